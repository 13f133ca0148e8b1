package dev.ares.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ReasoningSplitTest {

    @Test
    void closedReasoningSplitsIntoReasoningAndContent() {
        ReasoningSplit s = ReasoningSplit.of("<think>\n3 + 4, so 7\n</think> \\boxed{7}");
        assertEquals("3 + 4, so 7", s.reasoning());
        assertEquals("\\boxed{7}", s.content());
    }

    @Test
    void closeWithoutOpenTreatsThePrefixAsReasoning() {
        ReasoningSplit s = ReasoningSplit.of("carry the one</think>42");
        assertEquals("carry the one", s.reasoning());
        assertEquals("42", s.content());
    }

    @Test
    void unclosedReasoningIsAllReasoning() {
        ReasoningSplit s = ReasoningSplit.of("<think> still going");
        assertEquals("still going", s.reasoning());
        assertNull(s.content());
    }

    @Test
    void noReasoningIsAllContent() {
        ReasoningSplit s = ReasoningSplit.of("just 7");
        assertNull(s.reasoning());
        assertEquals("just 7", s.content());
    }
}
