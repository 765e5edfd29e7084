package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
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
        try (Scope step = Scope.open()) {
            DataCollatorWithPadding.Batch b = DataCollatorWithPadding.longest().collate(cols, new int[] {2, 0}, Device.cpu());
            assertEquals(DType.INT64, b.inputIds().dtype());
            assertEquals(2, b.inputIds().size(0));
            assertEquals(3, b.inputIds().size(1));
            assertArrayEquals(new long[] {101, 102, 0, 101, 7, 102}, b.inputIds().toLongArray());
            assertArrayEquals(new long[] {1, 1, 0, 1, 1, 1}, b.attentionMask().toLongArray());
            assertArrayEquals(new long[] {1, 1}, b.labels().toLongArray());
            assertEquals(5, b.tokens());
        }
    }

    @Test
    void maxLengthPadsEveryBatchToTheSameWidth() {
        try (Scope step = Scope.open()) {
            DataCollatorWithPadding.Batch b = DataCollatorWithPadding.maxLength(6).collate(cols, new int[] {1}, Device.cpu());
            assertArrayEquals(new long[] {101, 8, 9, 10, 102, 0}, b.inputIds().toLongArray());
            assertArrayEquals(new long[] {0, 0, 1, 1, 1, 0}, b.tokenTypeIds().toLongArray());
            BadInputException e = assertThrows(BadInputException.class,
                    () -> DataCollatorWithPadding.maxLength(4).collate(cols, new int[] {0, 1}, Device.cpu()));
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
