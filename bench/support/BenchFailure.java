package support;

/** The harness itself failed (the gateway did not start, a wait ran past its deadline, ...): exit status 1. */
public final class BenchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public BenchFailure(String message) {
        super(message);
    }
}
