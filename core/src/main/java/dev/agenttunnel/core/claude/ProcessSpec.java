package dev.agenttunnel.core.claude;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A process to start: argv, working directory, and the environment changes relative to ours. */
public record ProcessSpec(List<String> argv, Path workingDir, Map<String, String> setEnv, Set<String> unsetEnv) {
    public ProcessSpec {
        argv = List.copyOf(argv);
        setEnv = Map.copyOf(setEnv);
        unsetEnv = Set.copyOf(unsetEnv);
    }

    /** Applies the changes to a copy of {@code base} (e.g. a ProcessBuilder's environment). */
    public void applyTo(Map<String, String> base) {
        unsetEnv.forEach(base::remove);
        base.putAll(setEnv);
    }
}
