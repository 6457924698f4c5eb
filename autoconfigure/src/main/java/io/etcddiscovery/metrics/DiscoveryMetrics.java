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

package io.etcddiscovery.metrics;

import io.etcddiscovery.registration.Heartbeat;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.InstanceStatus;
import io.etcddiscovery.registration.RegistrationState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of this instance's registration, all named {@code discovery.*}.
 * <ul>
 * <li>{@code discovery.registration.registered}: 1 while the key is in etcd, else 0</li>
 * <li>{@code discovery.registration.status}: 1 for the published status (tag
 * {@code status}), 0 for the others</li>
 * <li>{@code discovery.heartbeats}: timer of heartbeats, tag {@code outcome} =
 * {@code success} or {@code failure}</li>
 * <li>{@code discovery.lease.losses}, {@code discovery.reregistrations},
 * {@code discovery.status.changes}: counters</li>
 * </ul>
 *
 * @author etcd-discovery authors
 */
public class DiscoveryMetrics implements MeterBinder {

	private final @Nullable InstanceRegistrar registrar;

	private final @Nullable Heartbeat heartbeat;

	/**
	 * Create a new binder.
	 * @param registrar the registrar, or {@code null} when this application does not
	 * register
	 * @param heartbeat the heartbeat, or {@code null}
	 */
	public DiscoveryMetrics(@Nullable InstanceRegistrar registrar, @Nullable Heartbeat heartbeat) {
		this.registrar = registrar;
		this.heartbeat = heartbeat;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		InstanceRegistrar registrar = this.registrar;
		if (registrar == null) {
			return;
		}
		Gauge
			.builder("discovery.registration.registered", registrar,
					(r) -> (r.getState().phase() == RegistrationState.Phase.REGISTERED) ? 1 : 0)
			.description("Whether this instance's key is in etcd")
			.register(registry);
		for (InstanceStatus status : InstanceStatus.values()) {
			Gauge.builder("discovery.registration.status", registrar, (r) -> (r.getState().status() == status) ? 1 : 0)
				.tag("status", status.name())
				.description("The status this instance publishes (1 for the current one)")
				.register(registry);
		}
		FunctionCounter.builder("discovery.lease.losses", registrar, InstanceRegistrar::getLeaseLosses)
			.description("Leases lost (expired, revoked, etcd wiped or unreachable beyond the TTL)")
			.register(registry);
		FunctionCounter.builder("discovery.reregistrations", registrar, InstanceRegistrar::getReRegistrations)
			.description("Registrations made again after a loss")
			.register(registry);
		FunctionCounter.builder("discovery.status.changes", registrar, InstanceRegistrar::getStatusChanges)
			.description("Changes of the published status")
			.register(registry);
		if (this.heartbeat != null) {
			Timer success = heartbeatTimer(registry, "success");
			Timer failure = heartbeatTimer(registry, "failure");
			this.heartbeat.setListener((beat) -> (beat.success() ? success : failure).record(beat.duration()));
		}
	}

	private static Timer heartbeatTimer(MeterRegistry registry, String outcome) {
		return Timer.builder("discovery.heartbeats")
			.tag("outcome", outcome)
			.description("Heartbeats: health evaluation and check of the key in etcd")
			.register(registry);
	}

}
