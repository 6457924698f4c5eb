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

import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
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
 * <li>{@code discovery.watch.events}, {@code discovery.cache.resyncs},
 * {@code discovery.cache.values.skipped}: counters of the discovery cache</li>
 * <li>{@code discovery.cache.connected}: 1 while the cache's watch is established</li>
 * <li>{@code discovery.cache.snapshot.serving}: 1 while lookups answer from the
 * last-known snapshot, etcd not having been listed since start</li>
 * <li>{@code discovery.instances}: instances seen per service and status (tags
 * {@code service}, {@code status}), held ones included</li>
 * <li>{@code discovery.protection.held}: instances that etcd lost without their
 * withdrawal and that the protection against mass removal keeps serving;
 * {@code discovery.protection.activations}, {@code discovery.protection.released}:
 * counters of the times it tripped and of the held instances dropped without coming
 * back</li>
 * </ul>
 *
 * @author etcd-discovery authors
 */
public class DiscoveryMetrics implements MeterBinder {

	private final @Nullable InstanceRegistrar registrar;

	private final @Nullable HealthCheckLoop heartbeat;

	private final @Nullable ServiceCache cache;

	/**
	 * Create a new binder.
	 * @param registrar the registrar, or {@code null} when this application does not
	 * register
	 * @param heartbeat the heartbeat, or {@code null}
	 * @param cache the discovery cache, or {@code null} when this application does not
	 * discover others
	 */
	public DiscoveryMetrics(@Nullable InstanceRegistrar registrar, @Nullable HealthCheckLoop heartbeat,
			@Nullable ServiceCache cache) {
		this.registrar = registrar;
		this.heartbeat = heartbeat;
		this.cache = cache;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.registrar != null) {
			bindRegistration(registry, this.registrar);
		}
		if (this.cache != null) {
			bindCache(registry, this.cache);
		}
	}

	private void bindCache(MeterRegistry registry, ServiceCache cache) {
		FunctionCounter.builder("discovery.watch.events", cache, (c) -> c.stats().eventsApplied())
			.description("Watch events applied to the discovery cache")
			.register(registry);
		FunctionCounter.builder("discovery.cache.resyncs", cache, (c) -> c.stats().resyncs())
			.description("Listings of etcd after the first (watch ended, compaction, etcd wiped)")
			.register(registry);
		FunctionCounter.builder("discovery.cache.values.skipped", cache, (c) -> c.stats().valuesSkipped())
			.description("Values in etcd skipped because they are not instances")
			.register(registry);
		Gauge.builder("discovery.cache.connected", cache, (c) -> c.stats().connected() ? 1 : 0)
			.description("Whether the discovery cache's watch is established")
			.register(registry);
		Gauge.builder("discovery.cache.snapshot.serving", cache, (c) -> c.isServingLastKnown() ? 1 : 0)
			.description("Whether lookups answer from the last-known snapshot, etcd not having been listed since start")
			.register(registry);
		Gauge.builder("discovery.protection.held", cache, (c) -> c.protection().heldInstances())
			.description("Instances etcd lost without their withdrawal that the discovery cache keeps serving")
			.register(registry);
		FunctionCounter.builder("discovery.protection.activations", cache, (c) -> c.protection().activations())
			.description("Times most of a service vanished from etcd at once and the protection held it")
			.register(registry);
		FunctionCounter.builder("discovery.protection.released", cache, (c) -> c.protection().released())
			.description("Held instances dropped when their hold ended without them coming back in etcd")
			.register(registry);
		new InstanceCountGauges(registry, cache).bind();
	}

	private void bindRegistration(MeterRegistry registry, InstanceRegistrar registrar) {
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
			.description(
					"Leases etcd said had ended (expired, revoked, etcd wiped); a lapse without keep-alive replies is not one")
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
			this.heartbeat.addListener((beat) -> (beat.success() ? success : failure).record(beat.duration()));
		}
	}

	private static Timer heartbeatTimer(MeterRegistry registry, String outcome) {
		return Timer.builder("discovery.heartbeats")
			.tag("outcome", outcome)
			.description("Heartbeats: health evaluation and check of the key in etcd")
			.register(registry);
	}

}
