package io.finetune4j.train;

/** Formats doubles as Python's repr does (1e+16 exponents, 5.0 for integers) so output reads like HF's. */
final class PythonFloats {
    private PythonFloats() {}

    static String repr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        // Java: 1.02777756E16 → Python: 1.02777756e+16 (Python switches to exponents at 1e16 and below 1e-4)
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e16) {
            return new java.math.BigDecimal(s).toPlainString();
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}
