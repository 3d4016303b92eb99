package io.gatehouse.memory.chunk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Splits Markdown into line-aligned chunks as the reference gateway's {@code chunkMarkdown} does:
 * about {@code tokens * 4} characters each (CJK characters count 4), {@code overlap * 4} characters of
 * whole tail lines carried into the next chunk, longer lines cut into pieces that keep their line number.
 */
public final class Chunker {
    /** Characters per token, as the reference estimates. */
    static final int CHARS_PER_TOKEN = 4;

    private Chunker() {
    }

    public static List<Chunk> chunk(String content, int tokens, int overlap) {
        String[] lines = content.split("\n", -1);
        int maxChars = Math.max(32, tokens * CHARS_PER_TOKEN);
        int overlapChars = Math.max(0, overlap * CHARS_PER_TOKEN);
        List<Chunk> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        List<Integer> currentLines = new ArrayList<>();
        int currentChars = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            List<String> segments = new ArrayList<>();
            if (line.isEmpty()) {
                segments.add("");
            } else {
                for (int start = 0; start < line.length(); start += maxChars) {
                    String coarse = line.substring(start, Math.min(line.length(), start + maxChars));
                    if (estimateChars(coarse) > maxChars) {
                        int fineStep = Math.max(1, tokens);
                        for (int j = 0; j < coarse.length();) {
                            int end = Math.min(j + fineStep, coarse.length());
                            if (end < coarse.length() && Character.isHighSurrogate(coarse.charAt(end - 1))) {
                                end++;
                            }
                            segments.add(coarse.substring(j, end));
                            j = end;
                        }
                    } else {
                        segments.add(coarse);
                    }
                }
            }
            for (String segment : segments) {
                int lineSize = estimateChars(segment) + 1;
                if (currentChars + lineSize > maxChars && !current.isEmpty()) {
                    chunks.add(chunkOf(current, currentLines));
                    // carry whole tail lines until at least overlapChars
                    if (overlapChars <= 0) {
                        current = new ArrayList<>();
                        currentLines = new ArrayList<>();
                        currentChars = 0;
                    } else {
                        int acc = 0;
                        int from = current.size();
                        while (from > 0) {
                            from--;
                            acc += estimateChars(current.get(from)) + 1;
                            if (acc >= overlapChars) {
                                break;
                            }
                        }
                        current = new ArrayList<>(current.subList(from, current.size()));
                        currentLines = new ArrayList<>(currentLines.subList(from, currentLines.size()));
                        currentChars = acc;
                    }
                }
                current.add(segment);
                currentLines.add(lineNo);
                currentChars += lineSize;
            }
        }
        if (!current.isEmpty()) {
            chunks.add(chunkOf(current, currentLines));
        }
        return chunks;
    }

    private static Chunk chunkOf(List<String> lines, List<Integer> lineNos) {
        String text = String.join("\n", lines);
        return new Chunk(lineNos.get(0), lineNos.get(lineNos.size() - 1), text, sha256(text));
    }

    /**
     * The reference's size estimate: UTF-16 length, each CJK/Hangul/Kana character counted as 4 (a
     * supplementary CJK character, two UTF-16 units, also counts 4).
     */
    public static int estimateChars(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int nonLatin = 0;
        int supplementaryCjk = 0;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            if (isNonLatin(cp)) {
                nonLatin++;
                if (cp >= 0x20000) {
                    supplementaryCjk++;
                }
            }
            i += Character.charCount(cp);
        }
        return text.length() - supplementaryCjk + nonLatin * (CHARS_PER_TOKEN - 1);
    }

    private static boolean isNonLatin(int cp) {
        return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4FF) || (cp >= 0xAC00 && cp <= 0xD7AF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
