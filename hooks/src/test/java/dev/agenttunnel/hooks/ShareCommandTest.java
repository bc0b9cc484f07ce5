package dev.agenttunnel.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShareCommandTest {
    private static ShareCommand parse(String prompt) {
        return ShareCommand.parse(prompt).orElseThrow();
    }

    @Test
    void onlyPromptsThatAreShareCommandsMatch() {
        assertTrue(ShareCommand.parse("hello").isEmpty());
        assertTrue(ShareCommand.parse(">sharefoo").isEmpty());
        assertTrue(ShareCommand.parse(">share\tfoo").isEmpty());
        assertTrue(ShareCommand.parse("please >share").isEmpty());
        assertEquals(new ShareCommand.Publish(Optional.empty(), Optional.empty()), parse("  >SHARE  "));
    }

    @Test
    void offAndStatusAreWholeArguments() {
        assertInstanceOf(ShareCommand.Off.class, parse(">share OFF"));
        assertInstanceOf(ShareCommand.Status.class, parse(">share status"));
        assertEquals(new ShareCommand.Publish(Optional.of("off"), Optional.of(AccessLevel.WRITE)), parse(">share --write off"));
    }

    @Test
    void theStrongestFlagWinsWherever_itStands() {
        assertEquals(new ShareCommand.Publish(Optional.of("Payments"), Optional.of(AccessLevel.BASH)),
                parse(">share -w Payments --dangerously-allow-bash -r"));
        assertEquals(new ShareCommand.Publish(Optional.empty(), Optional.of(AccessLevel.ALL)),
                parse(">share --dangerously-skip-permissions"));
    }

    @Test
    void badInputIsExplainedNotGuessed() {
        assertTrue(((ShareCommand.Invalid) parse(">share --wrte pay")).reason().contains("Unknown option `--wrte`"));
        assertTrue(((ShareCommand.Invalid) parse(">share !!!")).reason().startsWith("Invalid handle `!!!`"));
        assertTrue(((ShareCommand.Invalid) parse(">share Payments Team")).reason().contains("`>share payments-team`"));
    }
}
