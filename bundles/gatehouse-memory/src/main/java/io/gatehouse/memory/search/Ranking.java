package io.gatehouse.memory.search;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference gateway's ranking rules (extensions/memory-core hybrid.ts, temporal-decay.ts, mmr.ts,
 * manager-search.ts): query terms, BM25 rank to score, weighted merge of vector and keyword candidates,
 * temporal decay, MMR and the keyword-only lexical boost. Pure functions; the conformance vectors hold
 * them to the reference.
 */
public final class Ranking {
    static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+");
    private static final Pattern MMR_TOKEN = Pattern.compile("[a-z0-9_]+");
    private static final Pattern DATED = Pattern.compile("(?:^|/)memory/(\\d{4})-(\\d{2})-(\\d{2})\\.md$");
    private static final double DAY_MS = 24d * 60 * 60 * 1000;

    private Ranking() {
    }

    /** The words of a query or text: runs of letters, digits and {@code _}. */
    public static List<String> tokens(String raw) {
        return io.gatehouse.memory.index.Words.words(raw);
    }

    /** {@code "a" AND "b"}, the reference's FTS query, or null when the query has no words. */
    public static String buildFtsQuery(String raw) {
        List<String> tokens = tokens(raw);
        if (tokens.isEmpty()) {
            return null;
        }
        List<String> quoted = new ArrayList<>();
        for (String t : tokens) {
            quoted.add("\"" + t.replace("\"", "") + "\"");
        }
        return String.join(" AND ", quoted);
    }

    /**
     * A text score 0-1 from a BM25 rank (FTS5: negative, lower is better; a Lucene score s is rank -s).
     */
    public static double bm25RankToScore(double rank) {
        if (!Double.isFinite(rank)) {
            return 1d / (1 + 999);
        }
        if (rank < 0) {
            double relevance = -rank;
            return relevance / (1 + relevance);
        }
        return 1 / (1 + rank);
    }

    /** Keyword-only mode: the FTS score plus a boost for query words in the text and the path. */
    public static double scoreFallbackKeywordResult(String query, String path, String text, double ftsScore) {
        List<String> queryTokens = new ArrayList<>(new LinkedHashSet<>(lower(tokens(query))));
        if (queryTokens.isEmpty()) {
            return ftsScore;
        }
        Set<String> textTokens = new HashSet<>(lower(tokens(text)));
        String pathLower = path.toLowerCase(Locale.ROOT);
        long overlap = queryTokens.stream().filter(textTokens::contains).count();
        double uniqueQueryOverlap = overlap / (double) Math.max(queryTokens.size(), 1);
        double density = overlap / (double) Math.max(textTokens.size(), 1);
        double pathBoost = 0;
        for (String t : queryTokens) {
            pathBoost += pathLower.contains(t) ? 0.18 : 0;
        }
        double textLengthBoost = Math.min(text.length() / 160d, 0.18);
        double lexicalBoost = uniqueQueryOverlap * 0.45 + density * 0.2 + pathBoost + textLengthBoost;
        return Math.min(1, ftsScore + lexicalBoost);
    }

    private static List<String> lower(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (String t : tokens) {
            out.add(t.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** {@code exp(-ln2/halfLife * age)}; 1 for no half-life or no finite age. */
    public static double temporalDecayMultiplier(double ageInDays, double halfLifeDays) {
        double lambda = !Double.isFinite(halfLifeDays) || halfLifeDays <= 0 ? 0 : Math.log(2) / halfLifeDays;
        double age = Math.max(0, ageInDays);
        if (lambda <= 0 || !Double.isFinite(age)) {
            return 1;
        }
        return Math.exp(-lambda * age);
    }

    /** MEMORY.md, memory.md and undated files under memory/ never decay. */
    public static boolean isEvergreen(String path) {
        String p = path.replace('\\', '/');
        if (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.equals("MEMORY.md") || p.equals("memory.md")) {
            return true;
        }
        if (!p.startsWith("memory/")) {
            return false;
        }
        return !DATED.matcher(p).find();
    }

    /** The date a {@code memory/YYYY-MM-DD.md} path names (UTC midnight, epoch ms), or null. */
    public static Long datedPathMillis(String path) {
        Matcher m = DATED.matcher(path.replace('\\', '/'));
        if (!m.find()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)))
                    .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (RuntimeException invalidDate) {
            return null;
        }
    }

    // ---- merging

    /** A candidate chunk from the vector or the keyword search. */
    public static final class Candidate {
        public final String id;
        public final String path;
        public final int startLine;
        public final int endLine;
        public final String source;
        public String snippet;
        public final long mtime;
        public double vectorScore;
        public double textScore;
        public double score;

        public Candidate(String id, String path, int startLine, int endLine, String source, String snippet, long mtime) {
            this.id = id;
            this.path = path;
            this.startLine = startLine;
            this.endLine = endLine;
            this.source = source;
            this.snippet = snippet;
            this.mtime = mtime;
        }

        @Override
        public String toString() {
            return path + ":" + startLine + "-" + endLine + " " + score;
        }
    }

    /** Options of the merge. */
    public record MergeOptions(double vectorWeight, double textWeight, boolean decay, double halfLifeDays,
            boolean mmr, double mmrLambda, long nowMs) {
    }

    /**
     * Merges by chunk id (a keyword hit's snippet wins), scores {@code vw*vector + tw*text}, applies
     * temporal decay, sorts best first and, when enabled, re-ranks with MMR.
     */
    public static List<Candidate> merge(List<Candidate> vector, List<Candidate> keyword, MergeOptions o) {
        Map<String, Candidate> byId = new LinkedHashMap<>();
        for (Candidate c : vector) {
            byId.put(c.id, c);
        }
        for (Candidate k : keyword) {
            Candidate existing = byId.get(k.id);
            if (existing != null) {
                existing.textScore = k.textScore;
                if (k.snippet != null && !k.snippet.isEmpty()) {
                    existing.snippet = k.snippet;
                }
            } else {
                byId.put(k.id, k);
            }
        }
        List<Candidate> merged = new ArrayList<>(byId.values());
        for (Candidate c : merged) {
            c.score = o.vectorWeight() * c.vectorScore + o.textWeight() * c.textScore;
        }
        applyDecay(merged, o);
        merged.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
        return o.mmr() ? mmr(merged, o.mmrLambda()) : merged;
    }

    /** Multiplies each score by its age's decay (evergreen paths keep theirs). */
    public static void applyDecay(List<Candidate> list, MergeOptions o) {
        if (!o.decay()) {
            return;
        }
        for (Candidate c : list) {
            if (isEvergreen(c.path)) {
                continue;
            }
            Long ts = datedPathMillis(c.path);
            long t = ts != null ? ts : c.mtime;
            if (t <= 0) {
                continue;
            }
            double age = Math.max(0, o.nowMs() - t) / DAY_MS;
            c.score *= temporalDecayMultiplier(age, o.halfLifeDays());
        }
    }

    /**
     * Maximal marginal relevance over the (sorted) list: repeatedly takes the candidate with the best
     * {@code λ·relevance − (1−λ)·max Jaccard similarity} to those already taken; relevance is the score
     * scaled to 0-1 over the list.
     */
    public static List<Candidate> mmr(List<Candidate> sorted, double lambda) {
        if (sorted.size() <= 1) {
            return sorted;
        }
        double l = Math.max(0, Math.min(1, lambda));
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (Candidate c : sorted) {
            max = Math.max(max, c.score);
            min = Math.min(min, c.score);
        }
        double range = max - min;
        List<Candidate> remaining = new ArrayList<>(sorted);
        List<Set<String>> remainingTokens = new ArrayList<>();
        for (Candidate c : sorted) {
            remainingTokens.add(mmrTokens(c.snippet));
        }
        List<Candidate> selected = new ArrayList<>();
        List<Set<String>> selectedTokens = new ArrayList<>();
        while (!remaining.isEmpty()) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < remaining.size(); i++) {
                double relevance = range == 0 ? 1 : (remaining.get(i).score - min) / range;
                double maxSim = 0;
                for (Set<String> s : selectedTokens) {
                    maxSim = Math.max(maxSim, jaccard(remainingTokens.get(i), s));
                }
                double mmrScore = l * relevance - (1 - l) * maxSim;
                if (mmrScore > bestScore) {
                    bestScore = mmrScore;
                    best = i;
                }
            }
            selected.add(remaining.remove(best));
            selectedTokens.add(remainingTokens.remove(best));
        }
        return selected;
    }

    static Set<String> mmrTokens(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = MMR_TOKEN.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1;
        }
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> small = a.size() <= b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        int inter = 0;
        for (String t : small) {
            if (large.contains(t)) {
                inter++;
            }
        }
        return inter / (double) (a.size() + b.size() - inter);
    }

    /** {@code min(200, max(1, floor(maxResults * multiplier)))}. */
    public static int candidates(int maxResults, double multiplier) {
        return (int) Math.min(200, Math.max(1, Math.floor(maxResults * multiplier)));
    }

    /** Cuts a snippet to {@code max} UTF-16 units without splitting a surrogate pair. */
    public static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
