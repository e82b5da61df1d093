package org.fibers.scheduler;

/** A plain runnable as a one-shot task ({@link Scheduler#schedule}). */
final class RunnableTask extends Task {
    private final Runnable runnable;

    RunnableTask(Scheduler owner, Runnable runnable) {
        super(owner);
        this.runnable = runnable;
    }

    @Override
    protected void run() {
        runnable.run();
    }

    @Override
    public String toString() {
        return "task " + runnable;
    }
}
