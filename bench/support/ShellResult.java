package support;

/** What a command run over the admin socket returned: its exit status, standard output and error. */
public final class ShellResult {
    public final int status;
    public final String out;
    public final String err;

    public ShellResult(int status, String out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }
}
