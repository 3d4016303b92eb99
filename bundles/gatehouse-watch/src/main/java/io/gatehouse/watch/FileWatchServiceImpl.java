package io.gatehouse.watch;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ServiceScope;

import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;

/**
 * Hands each using bundle its own instance (bundle scope), which closes every watch that bundle
 * left open when the bundle lets go of the service, so a stopped bundle never leaves a watcher
 * thread behind.
 */
@Component(service = FileWatchService.class, scope = ServiceScope.BUNDLE)
public final class FileWatchServiceImpl implements FileWatchService {
    private final Set<PathWatch> open = ConcurrentHashMap.newKeySet();

    @Override
    public FileWatch watch(WatchRequest request, WatchListener listener) throws IOException {
        PathWatch w = new PathWatch(request, listener);
        open.add(w);
        return new FileWatch() {
            @Override
            public String mode() {
                return w.mode();
            }

            @Override
            public void close() {
                open.remove(w);
                w.close();
            }

            @Override
            public String toString() {
                return w.toString();
            }
        };
    }

    @Deactivate
    void deactivate() {
        for (PathWatch w : open) {
            w.close();
        }
        open.clear();
    }
}
