package dev.ares.model.train;

/**
 * One supervised cold-start example before tokenisation (aepo-spec.md §9: a problem and the teacher trace
 * chosen for it): the user turn and the assistant response, with where it came from.
 *
 * @param id       the problem id (for reports; need not be unique)
 * @param source   data source or task family (for reports), never null
 * @param level    difficulty level 1..5 of the curriculum, or 0 when unknown
 * @param user     the user turn's text, non-blank
 * @param response the assistant turn (e.g. {@code <think>...</think> \boxed{...}}), non-blank
 */
public record SftRecord(String id, String source, int level, String user, String response) {
    public SftRecord {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("SftRecord " + id + ": user text is blank");
        }
        if (response == null || response.isBlank()) {
            throw new IllegalArgumentException("SftRecord " + id + ": response is blank");
        }
        if (source == null) {
            throw new IllegalArgumentException("SftRecord " + id + ": source is null");
        }
    }
}
