package io.finetune4j.torch;

/** A JVM's first use of the engine: load the natives, one small matmul; prints the sum (for the extraction-race test). */
public final class MatmulMain {
    private MatmulMain() {}

    public static void main(String[] args) {
        Torch.load(); // first, so that a failure reads as one clear exception
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.ones(DType.FLOAT32, 8, 16);
            Tensor b = Tensor.ones(DType.FLOAT32, 16, 4);
            System.out.println("sum " + a.matmul(b).sum().item() + " natives " + Torch.nativesClassifier());
        }
    }
}
