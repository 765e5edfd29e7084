package io.finetune4j.cli;

/**
 * Quiet by default: our warnings (the ones HF prints too, such as newly initialised weights) show;
 * the tokenizers library's INFO chatter does not. {@code --verbose} shows everything.
 * Must run before the first logger is created, so {@link Main} calls it first.
 */
final class Logging {
    private Logging() {}

    static void configure(boolean verbose) {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.log.ai.djl", verbose ? "info" : "error");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", verbose ? "true" : "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "false");
        setDefault("org.slf4j.simpleLogger.levelInBrackets", "false");
        // libtorch's C++ warnings (e.g. "AutoNonVariableTypeMode is deprecated") go to stderr past SLF4J; only --verbose shows them.
        setDefault(io.finetune4j.torch.TorchLogging.PROPERTY, verbose ? "WARNING" : "ERROR");
        // Nothing is downloaded at run time: models and data come through the cache.
        setDefault("ai.djl.offline", "true");
    }

    /**
     * TrainingArguments.log_level: the level of finetune4j's own log lines from here on (loggers made after
     * this call, which is before the job loads its classes); passive keeps the level set above. HF's names
     * map onto SLF4J's: warning → warn, critical → error.
     */
    static void applyLogLevel(String logLevel) {
        String level = slf4jLevel(logLevel);
        if (level != null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.finetune4j", level);
        }
    }

    static String slf4jLevel(String logLevel) {
        return switch (logLevel) {
            case "debug", "info", "error" -> logLevel;
            case "warning" -> "warn";
            case "critical" -> "error";
            default -> null; // passive
        };
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
