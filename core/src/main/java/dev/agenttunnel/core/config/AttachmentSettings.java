package dev.agenttunnel.core.config;

import java.util.Set;

/** {@code [attachments]}: how Office files are made readable for a fork. */
public record AttachmentSettings(String convert, String convertCommand) {
    private static final Set<String> MODES = Set.of("auto", "off");

    public AttachmentSettings {
        if (!MODES.contains(convert)) {
            throw new IllegalArgumentException("attachments.convert must be \"auto\" or \"off\", not \"" + convert + "\"");
        }
    }
}
