package dev.agenttunnel.testkit.discord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body split into its parts (RFC 7578), as JDA's OkHttp sends a message with files:
 * a {@code payload_json} part and one {@code files[n]} part per file.
 */
record Multipart(List<Part> parts) {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?:^|;)\\s*filename=\"([^\"]*)\"");
    private static final byte[] CRLF = {'\r', '\n'};

    Multipart {
        parts = List.copyOf(parts);
    }

    /** One part: its form field name, file name (empty for plain fields) and bytes. */
    record Part(String name, String fileName, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /** Whether {@code contentType} announces a multipart form. */
    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** Splits {@code body}; a malformed body is an {@link ApiError} (400), as Discord answers it. */
    static Multipart parse(String contentType, byte[] body) {
        Matcher boundaryMatch = BOUNDARY.matcher(contentType);
        if (!boundaryMatch.find()) {
            throw ApiError.invalidForm("multipart body without a boundary");
        }
        byte[] delimiter = ("--" + boundaryMatch.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw ApiError.invalidForm("multipart body without its boundary");
        }
        while (true) {
            int afterDelimiter = at + delimiter.length;
            if (startsWith(body, afterDelimiter, new byte[] {'-', '-'})) {
                return new Multipart(parts);
            }
            int headersStart = afterDelimiter + CRLF.length;
            int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, headersStart);
            if (headersEnd < 0) {
                throw ApiError.invalidForm("multipart part without a header end");
            }
            int contentStart = headersEnd + 4;
            int next = indexOf(body, concat(CRLF, delimiter), contentStart);
            if (next < 0) {
                throw ApiError.invalidForm("multipart part without a closing boundary");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            parts.add(part(headers, Arrays.copyOfRange(body, contentStart, next)));
            at = next + CRLF.length;
        }
    }

    /** The first part called {@code name}. */
    Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The parts carrying files, by form field name ({@code files[0]} …), in order. */
    Map<String, Part> files() {
        Map<String, Part> files = new LinkedHashMap<>();
        parts.stream().filter(p -> !p.fileName().isEmpty()).forEach(p -> files.put(p.name(), p));
        return files;
    }

    private static Part part(String headers, byte[] content) {
        String disposition = headers.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-disposition:"))
                .findFirst()
                .orElseThrow(() -> ApiError.invalidForm("multipart part without Content-Disposition"));
        Matcher name = NAME.matcher(disposition.substring(disposition.indexOf(':') + 1));
        Matcher fileName = FILE_NAME.matcher(disposition.substring(disposition.indexOf(':') + 1));
        return new Part(name.find() ? name.group(1) : "", fileName.find() ? decode(fileName.group(1)) : "", content);
    }

    /** OkHttp escapes {@code "}, CR and LF in file names as {@code %22}, {@code %0D}, {@code %0A}. */
    private static String decode(String fileName) {
        return fileName.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n");
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        return at + prefix.length <= bytes.length
                && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
