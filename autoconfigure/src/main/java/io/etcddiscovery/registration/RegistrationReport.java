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

package io.etcddiscovery.registration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.etcddiscovery.registration.RegistrationState.Phase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a registration tells the rest of the application: its current
 * {@link RegistrationState}, swapped whole so that readers on any thread see one
 * consistent snapshot, the listeners of its phase, the counters its metrics and endpoint
 * show, and one log line per registration.
 *
 * @author etcd-discovery authors
 */
final class RegistrationReport {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private volatile RegistrationState state = RegistrationState.initial();

	private final List<Consumer<RegistrationState>> listeners = new CopyOnWriteArrayList<>();

	final AtomicLong leaseLosses = new AtomicLong();

	final AtomicLong reRegistrations = new AtomicLong();

	final AtomicLong statusChanges = new AtomicLong();

	// Registrar's executor only.
	private boolean everRegistered;

	RegistrationState state() {
		return this.state;
	}

	void addListener(Consumer<RegistrationState> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Publish a new state, and tell the listeners when its phase changed.
	 * @param next the state
	 */
	void publish(RegistrationState next) {
		Phase previous = this.state.phase();
		this.state = next;
		if (next.phase() != previous) {
			for (Consumer<RegistrationState> listener : this.listeners) {
				try {
					listener.accept(next);
				}
				catch (RuntimeException ex) {
					// A bug in the listener: worth its stack trace, and registration goes
					// on.
					logger.warn("Registration state listener failed", ex);
				}
			}
		}
	}

	/**
	 * Log a successful attempt and count it when it registered again after a loss.
	 * @param key the key
	 * @param leaseId the lease
	 * @param ttlSeconds the lease's TTL
	 * @param newKey whether the attempt created the key (rather than confirmed it)
	 * @param failed how many attempts failed before it
	 */
	void registered(String key, long leaseId, long ttlSeconds, boolean newKey, int failed) {
		String after = (failed > 0) ? " after " + failed + " failed attempt" + ((failed > 1) ? "s" : "") : "";
		if (newKey && this.everRegistered) {
			this.reRegistrations.incrementAndGet();
		}
		if (newKey) {
			logger
				.info("%s %s with lease %s (ttl %ds)%s".formatted(this.everRegistered ? "Re-registered" : "Registered",
						key, Long.toHexString(leaseId), ttlSeconds, after));
		}
		else if (this.state.phase() != Phase.REGISTERED) {
			logger
				.info("Registration of %s confirmed with lease %s%s".formatted(key, Long.toHexString(leaseId), after));
		}
		this.everRegistered = true;
	}

}
