package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;
import io.finetune4j.tokenize.EncodeOptions;
import org.junit.jupiter.api.Test;

class DataCollatorTest {
    private final EncodedColumns cols = new EncodedColumns(
            new Column.IntLists(new int[][] {{101, 7, 102}, {101, 8, 9, 10, 102}, {101, 102}}),
            new Column.IntLists(new int[][] {{0, 0, 0}, {0, 0, 1, 1, 1}, {0, 0}}),
            new Column.IntLists(new int[][] {{1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1}}),
            new Column.Ints(new int[] {1, 0, 1}));

    @Test
    void padsToTheLongestRowOfTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            DataCollatorWithPadding.Batch b = DataCollatorWithPadding.longest().collate(cols, new int[] {2, 0}, m);
            assertEquals(DataType.INT64, b.inputIds().getDataType());
            assertEquals(2, b.inputIds().getShape().get(0));
            assertEquals(3, b.inputIds().getShape().get(1));
            assertArrayEquals(new long[] {101, 102, 0, 101, 7, 102}, b.inputIds().toLongArray());
            assertArrayEquals(new long[] {1, 1, 0, 1, 1, 1}, b.attentionMask().toLongArray());
            assertArrayEquals(new long[] {1, 1}, b.labels().toLongArray());
            assertEquals(5, b.tokens());
        }
    }

    @Test
    void maxLengthPadsEveryBatchToTheSameWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            DataCollatorWithPadding.Batch b = DataCollatorWithPadding.maxLength(6).collate(cols, new int[] {1}, m);
            assertArrayEquals(new long[] {101, 8, 9, 10, 102, 0}, b.inputIds().toLongArray());
            assertArrayEquals(new long[] {0, 0, 1, 1, 1, 0}, b.tokenTypeIds().toLongArray());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> DataCollatorWithPadding.maxLength(4).collate(cols, new int[] {0, 1}, m));
            assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        }
    }

    @Test
    void theTokenizersPaddingStrategiesApplyAndDoNotPadIsRefused() {
        assertEquals(EncodeOptions.Padding.LONGEST, DataCollatorWithPadding.longest().padding());
        BadInputException e = assertThrows(BadInputException.class,
                () -> new DataCollatorWithPadding(0, EncodeOptions.Padding.parse("do_not_pad"), 0));
        assertTrue(e.getMessage().contains("longest or max_length"), e.getMessage());
    }
}
