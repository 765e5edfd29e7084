package io.finetune4j.cli;

import picocli.CommandLine;

/** Prints the project version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"finetune4j " + (v == null ? "dev" : v)};
    }
}
