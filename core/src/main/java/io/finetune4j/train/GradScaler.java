package io.finetune4j.train;

import io.finetune4j.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch's {@code GradScaler} for fp16 training: the loss is multiplied by {@link #scale()} before
 * backward so that small gradients survive float16; before the optimizer step the gradients are
 * divided by it again. A step whose gradients overflowed (inf/NaN) is skipped and the scale halved;
 * after {@code growth_interval} clean steps in a row the scale doubles. Defaults are torch's.
 */
public final class GradScaler {
    public static final String FILE = "scaler.json";
    static final double INIT_SCALE = 65536.0;
    static final double GROWTH_FACTOR = 2.0;
    static final double BACKOFF_FACTOR = 0.5;
    static final int GROWTH_INTERVAL = 2000;

    private double scale;
    private int growthTracker;

    public GradScaler() {
        this(INIT_SCALE);
    }

    GradScaler(double initScale) {
        this.scale = initScale;
    }

    public double scale() {
        return scale;
    }

    /**
     * Divides the optimizer's gradients by the scale, in place. Returns false when a gradient is inf or
     * NaN: the caller must then skip this optimizer step.
     */
    public boolean unscale(Optimizer optimizer) {
        return optimizer.scaleGradients(1.0 / scale);
    }

    /** After each optimizer step (taken or skipped): back off on overflow, grow after a clean run. */
    public void update(boolean gradientsWereFinite) {
        if (!gradientsWereFinite) {
            scale *= BACKOFF_FACTOR;
            growthTracker = 0;
        } else if (++growthTracker == GROWTH_INTERVAL) {
            scale *= GROWTH_FACTOR;
            growthTracker = 0;
        }
    }

    /** torch's state_dict keys, as JSON. */
    public void save(Path file) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scale", scale);
        s.put("growth_factor", GROWTH_FACTOR);
        s.put("backoff_factor", BACKOFF_FACTOR);
        s.put("growth_interval", GROWTH_INTERVAL);
        s.put("_growth_tracker", growthTracker);
        Checkpoints.writeJson(file, s);
    }

    /** Restores {@link #save}'s file; a checkpoint saved without fp16 has none and keeps the initial scale. */
    public void load(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Map<String, Object> s = Checkpoints.readMap(file);
        if (!(s.get("scale") instanceof Number n) || !(s.get("_growth_tracker") instanceof Number g)) {
            throw new BadInputException(file + " lacks 'scale' or '_growth_tracker'; delete it to restart the fp16 loss scale");
        }
        scale = n.doubleValue();
        growthTracker = g.intValue();
    }
}
