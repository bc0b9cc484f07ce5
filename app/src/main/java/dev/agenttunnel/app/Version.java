package dev.agenttunnel.app;

import picocli.CommandLine.IVersionProvider;

/** The version printed by {@code --version}. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"agent-tunnel " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
}
