package dev.ares.model.learner;

/** Pins PyTorch to one intra-op thread (bit-for-bit comparisons need fixed thread counts), once per JVM. */
final class FixedThreads {
    private static boolean done;

    private FixedThreads() {
    }

    static synchronized void pin() {
        if (done) {
            return;
        }
        ai.djl.engine.Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        try {
            ai.djl.pytorch.jni.JniUtils.setNumInteropThreads(1);
        } catch (ai.djl.engine.EngineException e) {
            // another test class of this JVM already ran parallel work: the inter-op count is fixed already
        }
        done = true;
    }
}
