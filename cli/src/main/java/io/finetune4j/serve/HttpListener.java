package io.finetune4j.serve;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTP/1.1 layer under {@link ClassificationServer}: Jetty's core server (no servlets) with serve's limits.
 * A request head must arrive within {@code header_timeout_s} (from the connection's start or its previous
 * response) and fit in {@code max_header_bytes} (else 431, 414 for the URL); at most {@code max_connections}
 * connections are open (more wait to be accepted); every error Jetty answers itself (a request that is not
 * HTTP, a head too large) carries TEI's body ({@link TeiErrorHandler}). Bodies are read without holding a
 * thread ({@link ClassificationServer} demands them chunk by chunk), so stalled clients cost a connection each,
 * never one of the {@code http_threads}.
 */
final class HttpListener {
    /** Threads Jetty leases for itself: one acceptor and one selector. */
    private static final int OWN_THREADS = 2;

    private final Server server;
    private final ServerConnector connector;
    private final HeadTimeout headTimeout;
    private final InetSocketAddress address;

    HttpListener(ServeOptions options, Handler handler) {
        InetSocketAddress wanted = new InetSocketAddress(options.host(), options.port());
        if (wanted.isUnresolved()) {
            throw new BadInputException("host '" + options.host() + "' is not a known address; use e.g. 127.0.0.1 or 0.0.0.0");
        }
        int threads = options.httpThreads() + OWN_THREADS;
        QueuedThreadPool pool = new QueuedThreadPool(threads, threads);
        pool.setName("finetune4j-http");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        server = new Server(pool, new ScheduledExecutorScheduler("finetune4j-http-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(options.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        // A backstop for silent connections: heads and bodies have their own, shorter deadlines, and a request
        // waiting for the model ignores it (ClassificationServer's idle timeout listener).
        connector.setIdleTimeout(Math.max(options.headerTimeout().toMillis(), options.bodyTimeout().toMillis()) + 1000);
        headTimeout = new HeadTimeout(server.getScheduler(), options.headerTimeout());
        connector.addEventListener(headTimeout);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
        server.setErrorHandler(new TeiErrorHandler(options));
        server.setHandler(handler);
        server.setStopTimeout(0); // ClassificationServer.close() drains first: every answer is written by then
        try {
            server.start();
            address = (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
        } catch (Exception e) {
            stopQuietly();
            if (causedBy(e, BindException.class)) {
                throw new BadInputException("cannot listen on " + options.host() + ":" + options.port() + " (" + bindReason(e)
                        + "); pick another port with --port, or 0 for a free one", e);
            }
            throw new UncheckedIOException("cannot start the HTTP server on " + options.host() + ":" + options.port(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String bindReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return "address in use";
    }

    /** The address actually bound (with the real port when 0 was asked for). */
    InetSocketAddress address() {
        return address;
    }

    /** Jetty's request threads, for work that finishes a request (writing a response once its batch is scored). */
    Executor executor() {
        return server.getThreadPool();
    }

    Scheduler scheduler() {
        return server.getScheduler();
    }

    /** The head of a request on {@code request}'s connection is complete: its head deadline no longer applies. */
    void headArrived(Request request) {
        headTimeout.cancel(request.getConnectionMetaData().getConnection());
    }

    /** A response on {@code request}'s connection is done: the next request's head has header_timeout_s from now. */
    void responseDone(Request request) {
        headTimeout.arm(request.getConnectionMetaData().getConnection());
    }

    /** Closes the listener and every connection, and stops Jetty's threads. */
    void stop() {
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the JVM may be on its way out.
        }
    }

    /**
     * Closes a connection whose request head is not complete {@code timeout} after the connection opened or its
     * previous response was written: a client trickling (or never sending) its headers holds nothing longer.
     */
    private static final class HeadTimeout implements Connection.Listener {
        private final Scheduler scheduler;
        private final long millis;
        private final Map<Connection, Scheduler.Task> timers = new ConcurrentHashMap<>();

        HeadTimeout(Scheduler scheduler, Duration timeout) {
            this.scheduler = scheduler;
            this.millis = timeout.toMillis();
        }

        @Override
        public void onOpened(Connection connection) {
            arm(connection);
        }

        @Override
        public void onClosed(Connection connection) {
            cancel(connection);
        }

        void arm(Connection connection) {
            if (!connection.getEndPoint().isOpen()) {
                return;
            }
            Scheduler.Task[] self = new Scheduler.Task[1];
            Scheduler.Task task = scheduler.schedule(() -> {
                if (timers.remove(connection, self[0])) {
                    connection.getEndPoint().close();
                }
            }, millis, TimeUnit.MILLISECONDS);
            self[0] = task;
            Scheduler.Task old = timers.put(connection, task);
            if (old != null) {
                old.cancel();
            }
        }

        void cancel(Connection connection) {
            Scheduler.Task task = timers.remove(connection);
            if (task != null) {
                task.cancel();
            }
        }
    }
}
