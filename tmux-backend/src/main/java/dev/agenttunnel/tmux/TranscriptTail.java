package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a claude transcript (JSONL) as it grows: each call parses only the complete lines appended since the last
 * one, so a long expert history is read once, not once per turn. Blank and malformed lines are skipped, and so are
 * lines that cannot be conversation entries (claude also writes snapshots, request records and blobs there).
 */
final class TranscriptTail {
    private final Path file;
    private long offset;

    TranscriptTail(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The user and assistant entries appended since the last call (none if the file does not exist yet). */
    List<JsonNode> readNew() throws IOException {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= offset) {
                return List.of();
            }
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - offset));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                // keep reading until the snapshot size is in
            }
            bytes = buffer.array();
        } catch (NoSuchFileException e) {
            return List.of();
        }
        int end = lastNewline(bytes);
        if (end < 0) {
            return List.of();
        }
        offset += end + 1;
        List<JsonNode> entries = new ArrayList<>();
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"user\"") || line.contains("\"assistant\"")) {
                try {
                    entries.add(JsonTrees.parse(line));
                } catch (IOException e) {
                    // A line claude never finished (or not JSON): not an entry.
                }
            }
        }
        return entries;
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
