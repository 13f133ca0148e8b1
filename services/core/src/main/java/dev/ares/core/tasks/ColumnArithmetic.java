package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * Schoolbook column arithmetic on non-negative integers, producing the derivation lines of each column
 * (used by the addition, subtraction and multiplication families to spell out carries and borrows).
 */
final class ColumnArithmetic {

    private static final String[] PLACES = {"ones", "tens", "hundreds", "thousands", "ten-thousands", "hundred-thousands"};

    private ColumnArithmetic() {
    }

    /** Name of the column with place value 10^i ("ones", "tens", ...). */
    static String place(int i) {
        return i < PLACES.length ? PLACES[i] : "column " + (i + 1);
    }

    /** Decimal digit i (0 = ones) of a non-negative number. */
    static int digit(long n, int i) {
        for (int k = 0; k < i; k++) {
            n /= 10;
        }
        return (int) (n % 10);
    }

    /** Number of decimal digits of a non-negative number (1 for 0). */
    static int digits(long n) {
        return Long.toString(n).length();
    }

    /**
     * Adds a + b column by column: one detail line per column (and one for a final carry) and one self-check line per
     * column that produced a carry. Returns the number of carries.
     */
    static int addColumns(long a, long b, Derivation.Builder d) {
        int width = Math.max(digits(a), digits(b));
        int carry = 0;
        int carries = 0;
        for (int i = 0; i < width; i++) {
            int da = digit(a, i);
            int db = digit(b, i);
            boolean hasA = i < digits(a);
            boolean hasB = i < digits(b);
            StringBuilder sum = new StringBuilder();
            if (hasA) {
                sum.append(da);
            }
            if (hasB) {
                sum.append(sum.length() > 0 ? " + " : "").append(db);
            }
            if (carry > 0) {
                sum.append(" + ").append(carry);
            }
            int s = (hasA ? da : 0) + (hasB ? db : 0) + carry;
            String terms = sum.toString();
            boolean single = !terms.contains("+");
            if (s >= 10) {
                d.detail(place(i) + ": " + terms + " = " + s + ", write " + (s % 10) + ", carry 1");
                d.check("Wait, check: " + s + " - " + (s - (hasA ? da : 0)) + " = " + (hasA ? da : 0) + ". Yes.");
                carries++;
            } else if (single) {
                d.detail(place(i) + ": " + s + " comes down");
            } else {
                d.detail(place(i) + ": " + terms + " = " + s);
            }
            carry = s / 10;
        }
        if (carry > 0) {
            d.detail(place(width) + ": write the carry 1");
        }
        return carries;
    }

    /**
     * Subtracts b from a (a &ge; b) column by column with borrows: one detail line per column and a self-check for each
     * borrow. Returns the number of borrows.
     */
    static int subtractColumns(long a, long b, Derivation.Builder d) {
        if (b > a) {
            throw new IllegalArgumentException("subtractColumns needs a >= b: " + a + " - " + b);
        }
        int width = digits(a);
        int borrow = 0;
        int borrows = 0;
        for (int i = 0; i < width; i++) {
            int top = digit(a, i) - borrow;
            int db = i < digits(b) ? digit(b, i) : 0;
            String topText = borrow > 0 ? digit(a, i) + " - 1 = " + top + " after the borrow; " : "";
            boolean isLeadingZero = i == width - 1 && top - db == 0 && width > 1 && i >= digits(b);
            if (top < db) {
                d.detail(place(i) + ": " + topText + top + " < " + db + ", borrow: " + (top + 10) + " - " + db + " = " + (top + 10 - db));
                d.check("Wait, check: " + (top + 10 - db) + " + " + db + " = " + (top + 10) + ". Yes.");
                borrow = 1;
                borrows++;
            } else if (i >= digits(b)) {
                d.detail(place(i) + ": " + topText + (isLeadingZero ? "0 is a leading zero, drop it" : top + " comes down"));
                borrow = 0;
            } else {
                d.detail(place(i) + ": " + topText + top + " - " + db + " = " + (top - db));
                borrow = 0;
            }
        }
        return borrows;
    }

    /**
     * Multiplies a by one digit m column by column with carries: one detail line per column. Returns the number of
     * carries.
     */
    static int multiplyByDigit(long a, int m, Derivation.Builder d) {
        int carry = 0;
        int carries = 0;
        int width = digits(a);
        for (int i = 0; i < width; i++) {
            int da = digit(a, i);
            int p = da * m + carry;
            String expr = da + " × " + m + (carry > 0 ? " + " + carry : "") + " = " + p;
            if (i == width - 1) {
                d.detail(place(i) + ": " + expr + ", write " + p);
            } else if (p >= 10) {
                d.detail(place(i) + ": " + expr + ", write " + (p % 10) + ", carry " + (p / 10));
                carries++;
            } else {
                d.detail(place(i) + ": " + expr + ", write " + p);
            }
            carry = p / 10;
        }
        return carries;
    }

    /** Place-value parts of n from the highest place down, zeros skipped (e.g. 705 -> [700, 5]). */
    static List<Long> placeParts(long n) {
        List<Long> parts = new ArrayList<>();
        String s = Long.toString(n);
        for (int i = 0; i < s.length(); i++) {
            int dgt = s.charAt(i) - '0';
            if (dgt != 0) {
                parts.add(dgt * pow10(s.length() - 1 - i));
            }
        }
        if (parts.isEmpty()) {
            parts.add(0L);
        }
        return parts;
    }

    static long pow10(int e) {
        long p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }
}
