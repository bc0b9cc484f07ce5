package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.testkit.Json;
import dev.agenttunnel.testkit.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every turn's cost (claude's own figure and tokens) is kept per thread and shown by {@code forks}; a thread over
 * {@code max_thread_cost_usd}, or a handle over {@code max_handle_daily_cost_usd} today, answers no more and says why.
 */
class CostsAndBudgetsTest {
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void aThreadOverItsBudgetIsRefusedWithACostShownByForks() throws Exception {
        w = new ServeWorld("max_thread_cost_usd = 0.000001\n", "");
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments first question");
        w.awaitBot(thread, "first question");

        // The cost is recorded beside posting the answer: poll for it.
        JsonNode row = dev.agenttunnel.testkit.Eventually.await(ServeWorld.WAIT, "the turn's cost recorded", () -> {
            JsonNode first = Json.parse(w.world.cli("forks", "--json").out()).path(0);
            return first.path("cost_usd").asDouble() > 0 ? java.util.Optional.of(first) : java.util.Optional.<JsonNode>empty();
        });
        assertTrue(row.path("input_tokens").asLong() > 0 && row.path("output_tokens").asLong() > 0, row.toString());

        int asked = w.world.api.mainRequests().size();
        w.post(thread, w.alice, "second question");
        w.awaitBot(thread, "used its budget");
        assertEquals(asked, w.world.api.mainRequests().size(), "no turn ran");
    }

    @Test
    void aHandleOverItsDailyBudgetIsRefusedInEveryThread() throws Exception {
        w = new ServeWorld("max_handle_daily_cost_usd = 0.000001\n", "");
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        String first = w.openThread(w.alice, "payments first thread");
        w.awaitBot(first, "first thread");
        dev.agenttunnel.testkit.Eventually.await(ServeWorld.WAIT, "the first thread's cost recorded",
                () -> Json.parse(w.world.cli("forks", "--json").out()).path(0).path("cost_usd").asDouble() > 0);
        String second = w.openThread(w.bob, "payments second thread");
        w.awaitBot(second, "Today's budget for `payments` is used up");
    }
}
