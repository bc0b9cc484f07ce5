package dev.agenttunnel.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareHookTest {
    static final String A = "aaaaaaaa-1111-0000-0000-000000000000";
    static final String B = "bbbbbbbb-2222-0000-0000-000000000000";

    @TempDir
    Path home;
    Registry registry;
    ShareHook hook;

    @BeforeEach
    void setUp() {
        Environment env = new Environment(Map.of("HOME", home.toString()), home);
        registry = new Registry(Registry.hookPath(env));
        hook = new ShareHook(registry, env, Clock.fixed(Instant.ofEpochSecond(1_737_000_000), ZoneOffset.UTC));
    }

    private String share(String session, String prompt) throws Exception {
        return hook.handle(new HookInput(session, prompt, "/w/" + (session.isEmpty() ? "x" : session.substring(0, 1)),
                home + "/.claude-work/projects/-w/" + session + ".jsonl")).orElseThrow();
    }

    @Test
    void publishesUnderADerivedHandleAndReusesIt() throws Exception {
        assertTrue(share(A, ">share").contains("`aaaaaa`"));
        assertTrue(share(A, ">share").contains("`aaaaaa`"));
        RegistryRecord r = registry.get("aaaaaa").orElseThrow();
        assertEquals(A, r.sessionId());
        assertEquals("/w/a", r.cwd());
        assertEquals(home + "/.claude-work", r.configDir());
        assertEquals(AccessLevel.READ, r.access());
        assertEquals(1, registry.all().size());
    }

    @Test
    void aDerivedHandleOfAnotherSessionGetsAnX() throws Exception {
        share(A, ">share");
        share("aaaaaa00-9999-0000-0000-000000000000", ">share off");
        assertTrue(share("aaaaaa00-9999-0000-0000-000000000000", ">share").contains("`aaaaaax`"));
    }

    @Test
    void relabellingMovesTheRecordAndKeepsLevelAndCreationTime() throws Exception {
        share(A, ">share --dangerously-allow-bash");
        double created = registry.get("aaaaaa").orElseThrow().createdAt();
        String text = share(A, ">share Payments");
        assertTrue(text.contains("`payments`") && text.contains("BASH access"), text);
        assertTrue(registry.all().get("aaaaaa") == null, "the old key is removed");
        RegistryRecord r = registry.get("payments").orElseThrow();
        assertEquals(AccessLevel.BASH, r.access());
        assertEquals("payments", r.label());
        assertEquals(created, r.createdAt());
    }

    @Test
    void aLiveHandleOfAnotherSessionIsRefusedButARevokedOneIsReclaimedFresh() throws Exception {
        share(A, ">share --write payments");
        String refused = share(B, ">share payments");
        assertTrue(refused.contains("already used"), refused);
        assertEquals(A, registry.get("payments").orElseThrow().sessionId());

        assertTrue(share(A, ">share off").contains("revoked"));
        share(B, ">share payments");
        RegistryRecord r = registry.get("payments").orElseThrow();
        assertEquals(B, r.sessionId());
        assertEquals(AccessLevel.READ, r.access(), "a reclaim does not inherit the old owner's level");
    }

    @Test
    void statusAndOffReportTheSessionsHandle() throws Exception {
        assertTrue(share(A, ">share status").contains("not shared"));
        assertTrue(share(A, ">share off").contains("was not shared"));
        share(A, ">share payments");
        assertTrue(share(A, ">share status").contains("shared as handle: `payments`"));
        assertTrue(share(A, ">share off").contains("handle `payments` revoked"));
        assertTrue(registry.all().get("payments").revoked(), "the record is kept, revoked");
        assertTrue(share(A, ">share status").contains("not shared"));
    }

    @Test
    void invalidInputChangesNothing() throws Exception {
        share(A, ">share payments");
        byte[] before = Files.readAllBytes(registry.path());
        assertTrue(share(A, ">share --nope x").contains("Unknown option"));
        assertTrue(share(A, ">share !").contains("Invalid handle"));
        assertTrue(share("", ">share x").contains("No session ID"));
        assertEquals(new String(before), new String(Files.readAllBytes(registry.path())));
        assertFalse(hook.handle(new HookInput(A, "what is >share?", "/w", "")).isPresent());
    }

    @Test
    void aCorruptRegistryIsKeptAsideAndTheOwnerIsTold() throws Exception {
        Files.createDirectories(registry.path().getParent());
        Files.writeString(registry.path(), "{oops");
        String text = share(A, ">share payments");
        assertTrue(text.contains("was not valid JSON") && text.contains("`payments`"), text);
        try (var files = Files.list(registry.path().getParent())) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("registry.json.corrupt-")).findFirst().orElseThrow();
            assertEquals("{oops", Files.readString(aside));
        }
    }

    /** A live record of session A under key {@code payments} whose stored {@code handle} says {@code billing}. */
    private void writeMismatchedRecord() throws Exception {
        Files.createDirectories(registry.path().getParent());
        Files.writeString(registry.path(), """
                {"records": {"payments": {"handle": "billing", "session_id": "%s", "cwd": "/w/a", "access": "write",
                 "label": "", "created_at": 1737000000.5, "revoked": false}}}
                """.formatted(A));
    }

    @Test
    void offRevokesTheRecordUnderItsKeyWhenItsHandleFieldDiffers() throws Exception {
        writeMismatchedRecord();
        String text = share(A, ">share off");
        assertTrue(text.contains("handle `payments` revoked"), text);
        assertTrue(registry.get("payments").isEmpty(), "the handle no longer resolves");
        assertTrue(registry.active().isEmpty(), "nothing is listed as published");
        assertEquals(java.util.Set.of("payments"), registry.all().keySet(), "no second record was created");
        assertTrue(share(A, ">share status").contains("not shared"));
    }

    @Test
    void reSharingKeepsTheRecordUnderItsKeyWhenItsHandleFieldDiffers() throws Exception {
        writeMismatchedRecord();
        assertTrue(share(A, ">share").contains("`payments`"));
        assertEquals(java.util.Set.of("payments"), registry.all().keySet());
        assertEquals(AccessLevel.WRITE, registry.get("payments").orElseThrow().access());

        share(A, ">share ledger");
        assertEquals(java.util.Set.of("ledger"), registry.all().keySet(), "a relabel removes the old key");
    }

    @Test
    void offRevokesEveryLiveRecordOfTheSession() throws Exception {
        Files.createDirectories(registry.path().getParent());
        Files.writeString(registry.path(), """
                {"records": {
                  "one": {"handle": "one", "session_id": "%1$s", "cwd": "/w/a", "created_at": 1.0, "revoked": false},
                  "two": {"handle": "two", "session_id": "%1$s", "cwd": "/w/a", "created_at": 2.0, "revoked": false},
                  "other": {"handle": "other", "session_id": "%2$s", "cwd": "/w/b", "created_at": 3.0, "revoked": false}}}
                """.formatted(A, B));
        String text = share(A, ">share off");
        assertTrue(text.contains("`one`") && text.contains("`two`") && text.contains("revoked"), text);
        assertTrue(registry.get("one").isEmpty() && registry.get("two").isEmpty());
        assertEquals(java.util.List.of("other"), registry.active().stream().map(RegistryRecord::handle).toList());
    }
}
