package dev.agenttunnel.headless;

/** Stopping a process together with everything it started (claude spawns helpers such as MCP servers). */
final class ProcessTrees {
    private ProcessTrees() {
    }

    /** Kills the descendants first (so none is re-parented away), then the process itself. */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
