package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** bench tokenize and bench pipeline on a tiny checkpoint and CSV splits written here (no timing asserts). */
class BenchDataCasesTest {
    @Test
    void tokenizeAndPipelineCasesRunOnLocalData() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        Path model = TrainCommandTest.model;
        Path data = TrainCommandTest.data;

        MainTest.Result tok = MainTest.run("bench", "tokenize", "--model", model.toString(), "--dataset", data.toString(),
                "--max_length", "32", "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, tok.code(), tok.err());
        JsonNode t = new ObjectMapper().readTree(tok.out());
        assertEquals(240, t.get("params").get("texts").asInt());
        assertTrue(t.get("metrics").get("reviews_per_s").asDouble() > 0);
        assertTrue(t.get("metrics").has("map_cached_s"));

        MainTest.Result pipe = MainTest.run("bench", "pipeline", "--model", model.toString(), "--dataset", data.toString(),
                "--texts", "40", "--batch_size", "16", "--max_length", "32", "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, pipe.code(), pipe.err());
        JsonNode p = new ObjectMapper().readTree(pipe.out());
        assertEquals(40, p.get("params").get("texts").asInt());
        assertTrue(p.get("metrics").get("reviews_per_s").asDouble() > 0);
        assertTrue(Files.isDirectory(model));
    }
}
