package io.gatehouse.canvas;

/** One open canvas page's live-reload connection, as the host sees it. */
interface ReloadClient {

    /** Sends the text {@code reload}; the page reloads. Sent at most once per connection. */
    void reload();

    /** Closes the connection with a WebSocket close code; {@link CanvasFiles#CLOSE_OFF} tells the page not to reconnect. */
    void close(int code, String reason);
}
