package io.finetune4j.spark;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Counts the tasks of one job group's stages as they start and end. A failed job returns to the driver while the
 * other tasks of its stage are still being killed (each stopping its rank's JVM); {@link #awaitEnded} waits for
 * them, so nothing of a failed stage still runs when the driver cleans up.
 */
final class StageTasks extends SparkListener {
    private final String jobGroup;
    private final Set<Integer> stages = new HashSet<>();
    private int started;
    private int ended;

    StageTasks(String jobGroup) {
        this.jobGroup = jobGroup;
    }

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
        if (e.properties() != null && jobGroup.equals(e.properties().getProperty("spark.jobGroup.id"))) {
            stages.add(e.stageInfo().stageId());
        }
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart e) {
        if (stages.contains(e.stageId())) {
            started++;
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        if (stages.contains(e.stageId())) {
            ended++;
            notifyAll();
        }
    }

    /**
     * Waits until every task that started has ended (true), or {@code seconds} passed (false). Listener events come
     * asynchronously: no task seen at all is waited for up to 2 s (a job may also fail before any task starts).
     */
    synchronized boolean awaitEnded(long seconds) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.SECONDS.toNanos(seconds);
        while (ended < started || (started == 0 && System.nanoTime() - begin < TimeUnit.SECONDS.toNanos(2))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
        return true;
    }
}
