/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.etcddiscovery.etcd.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The listeners of a {@link ServiceCache} and the serial executor that notifies them, in
 * order, one call at a time, never on jetcd's threads nor under a lock.
 * <p>
 * A notification reads the cache's latest snapshot when it runs, so a listener never sees
 * an older state after a newer one; a listener of one service is not called again for
 * lists it has already seen.
 *
 * @author etcd-discovery authors
 */
final class CacheListeners {

	private static final Log logger = LogFactory.getLog(CacheListeners.class);

	private final Supplier<CacheSnapshot> snapshot;

	private final SerialExecutor notifier;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	CacheListeners(Supplier<CacheSnapshot> snapshot, SerialExecutor notifier) {
		this.snapshot = snapshot;
		this.notifier = notifier;
	}

	/**
	 * Add a listener.
	 * @param service the service the listener is interested in, or {@code null} for every
	 * change
	 * @param listener the listener
	 * @param notifyNow whether to notify a listener of one service of the current
	 * instances at once
	 * @return the subscription
	 */
	Subscription add(@Nullable String service, Consumer<ServiceInstances> listener, boolean notifyNow) {
		Listener added = new Listener(service, listener);
		this.listeners.add(added);
		if (notifyNow && service != null) {
			execute(() -> notifyCurrent(added));
		}
		return added;
	}

	/**
	 * Notify the listeners of changed services.
	 * @param changed the services whose instances changed
	 * @param everyService whether every listener of one service is notified of its
	 * current instances, changed or not: when the cache becomes ready
	 */
	void changed(Set<String> changed, boolean everyService) {
		if (changed.isEmpty() && !everyService) {
			return;
		}
		execute(() -> {
			for (Listener listener : this.listeners) {
				if (listener.service == null) {
					notifyChanges(listener, changed);
				}
				else if (everyService || changed.contains(listener.service)) {
					notifyCurrent(listener);
				}
			}
		});
	}

	/**
	 * Stop notifying, waiting for a notification under way.
	 * @param timeoutMillis how long to wait for it
	 */
	void close(long timeoutMillis) {
		this.closed = true;
		this.notifier.shutdown();
		if (!this.notifier.awaitTermination(Duration.ofMillis(timeoutMillis))) {
			logger.warn("A listener did not return within %dms: interrupting it".formatted(timeoutMillis));
			this.notifier.shutdownNow();
		}
		this.listeners.clear();
	}

	// Listener executor from here on.

	private void notifyCurrent(Listener listener) {
		String service = listener.service;
		if (service == null) {
			return;
		}
		ServiceInstances current = this.snapshot.get().get(service);
		ServiceInstances last = listener.lastNotified;
		if (current == null) {
			if (last != null && last.isEmpty()) {
				return;
			}
			current = ServiceInstances.empty(service);
		}
		else if (current == last) {
			return;
		}
		listener.notifyCurrent(current);
	}

	private void notifyChanges(Listener listener, Set<String> changed) {
		CacheSnapshot current = this.snapshot.get();
		for (String service : changed) {
			ServiceInstances instances = current.get(service);
			listener.notify((instances != null) ? instances : ServiceInstances.empty(service));
		}
	}

	private void execute(Runnable task) {
		if (this.closed) {
			return;
		}
		try {
			this.notifier.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	/**
	 * A listener and what it was last told.
	 */
	private final class Listener implements Subscription {

		private final @Nullable String service;

		private final Consumer<ServiceInstances> consumer;

		private volatile boolean closed;

		// Only touched on the listener thread.
		private @Nullable ServiceInstances lastNotified;

		Listener(@Nullable String service, Consumer<ServiceInstances> consumer) {
			this.service = service;
			this.consumer = consumer;
		}

		void notifyCurrent(ServiceInstances current) {
			this.lastNotified = current;
			notify(current);
		}

		void notify(ServiceInstances instances) {
			if (this.closed) {
				return;
			}
			try {
				this.consumer.accept(instances);
			}
			catch (Throwable ex) {
				// A bug in the listener: worth its stack trace, and the others still run,
				// now and on every later change.
				logger.warn("Listener of service '%s' failed".formatted(instances.service()), ex);
			}
		}

		@Override
		public void close() {
			this.closed = true;
			CacheListeners.this.listeners.remove(this);
		}

	}

}
