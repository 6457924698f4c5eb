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

package io.etcddiscovery.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.LastKnownInstancesStats;
import io.etcddiscovery.discovery.ProtectionStats;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheStats;
import io.etcddiscovery.discovery.ServiceInstances;
import io.etcddiscovery.discovery.SkippedValue;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InstanceStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What a {@link ServiceCache} holds, for {@code /actuator/discovery}: every instance
 * whatever its status, how current the cache is, and whether its instances come from the
 * file of last-known instances.
 *
 * @author etcd-discovery authors
 */
public class CachedServices implements DiscoveryEndpoint.DiscoveredServices {

	private final ServiceCache cache;

	private final @Nullable WarmUp warmUp;

	private final Clock clock;

	/**
	 * Create a new view.
	 * @param cache the cache
	 */
	public CachedServices(ServiceCache cache) {
		this(cache, null, Clock.systemUTC());
	}

	/**
	 * Create a new view that also shows until when new instances warm up.
	 * @param cache the cache
	 * @param warmUp the warm-up of new instances, or {@code null} for none
	 * @param clock the clock the end of a warm-up is shown on
	 */
	public CachedServices(ServiceCache cache, @Nullable WarmUp warmUp, Clock clock) {
		Assert.notNull(cache, "'cache' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.cache = cache;
		this.warmUp = (warmUp != null && warmUp.isEnabled()) ? warmUp : null;
		this.clock = clock;
	}

	@Override
	public Object describe() {
		ServiceCacheStats stats = this.cache.stats();
		LastKnownInstancesStats lastKnown = this.cache.lastKnownStats();
		boolean fromSnapshot = this.cache.isServingLastKnown();
		Map<String, List<InstanceDescriptor>> services = new LinkedHashMap<>();
		for (String service : this.cache.services()) {
			services.put(service, instances(service, fromSnapshot));
		}
		return new CacheDescriptor(stats.prefix(), stats.connected(), stats.synced(), stats.revision(),
				stats.lastListedAt(), stats.lastEventAt(), stats.disconnectedSince(), stats.eventsApplied(),
				stats.resyncs(), stats.valuesSkipped(), stats.invalidKeys(),
				(stats.lastSkipped() != null) ? new SkippedValueDescriptor(stats.lastSkipped()) : null,
				stats.lastError(), fromSnapshot, (lastKnown != null) ? new SnapshotDescriptor(lastKnown) : null,
				new ProtectionDescriptor(this.cache.protection()), services);
	}

	@Override
	public @Nullable Object describe(String service) {
		List<InstanceDescriptor> instances = instances(service, this.cache.isServingLastKnown());
		if (instances.isEmpty()) {
			return null;
		}
		HoldDescriptor hold = this.cache.protection()
			.holds()
			.stream()
			.filter((candidate) -> candidate.service().equals(service))
			.findFirst()
			.map(HoldDescriptor::new)
			.orElse(null);
		return new ServiceDescriptor(service, instances, hold);
	}

	@Override
	public String connection() {
		return this.cache.stats().connected() ? "CONNECTED" : "DISCONNECTED";
	}

	private List<InstanceDescriptor> instances(String service, boolean fromSnapshot) {
		ServiceInstances instances = this.cache.get(service);
		return instances.all()
			.stream()
			.map((instance) -> new InstanceDescriptor(instance, fromSnapshot, instances.isHeld(instance),
					warmingUpUntil(instance)))
			.toList();
	}

	private @Nullable Instant warmingUpUntil(DiscoveredInstance instance) {
		if (this.warmUp == null) {
			return null;
		}
		Duration remaining = this.warmUp.remaining(instance.key());
		return (remaining != null) ? this.clock.instant().plus(remaining) : null;
	}

	/**
	 * The cache.
	 *
	 * @param prefix the prefix it lists and watches
	 * @param connected whether its watch is established
	 * @param synced whether it holds a complete listing kept current since
	 * @param revision the latest etcd revision it has seen
	 * @param lastListedAt when etcd was last listed
	 * @param lastEventAt when the last watch event was applied
	 * @param disconnectedSince since when the watch is down
	 * @param eventsApplied watch events applied
	 * @param resyncs listings after the first
	 * @param valuesSkipped values skipped because they are not instances
	 * @param invalidKeys keys that currently hold such a value
	 * @param lastSkipped the last value skipped and why
	 * @param lastError the last failure
	 * @param fromSnapshot whether the instances come from the last-known snapshot, etcd
	 * not having been listed since this application started
	 * @param snapshot the file of last-known instances, or {@code null} when it is off
	 * @param protection what the protection against mass removal holds
	 * @param services every instance of every service, whatever its status, held ones
	 * included
	 */
	public record CacheDescriptor(String prefix, boolean connected, boolean synced, long revision,
			@Nullable Instant lastListedAt, @Nullable Instant lastEventAt, @Nullable Instant disconnectedSince,
			long eventsApplied, long resyncs, long valuesSkipped, int invalidKeys,
			@Nullable SkippedValueDescriptor lastSkipped, @Nullable String lastError, boolean fromSnapshot,
			@Nullable SnapshotDescriptor snapshot, ProtectionDescriptor protection,
			Map<String, List<InstanceDescriptor>> services) {

	}

	/**
	 * The file of last-known instances.
	 *
	 * @param file the file
	 * @param servingWrittenAt when the file the instances come from was written, while
	 * they do
	 * @param lastWrittenAt when this application last wrote it
	 * @param writes how many times this application wrote it
	 */
	public record SnapshotDescriptor(String file, @Nullable Instant servingWrittenAt, @Nullable Instant lastWrittenAt,
			long writes) {

		SnapshotDescriptor(LastKnownInstancesStats stats) {
			this(stats.file().toString(), stats.servingWrittenAt(), stats.lastWrittenAt(), stats.writes());
		}

	}

	/**
	 * The protection against mass removal.
	 *
	 * @param enabled whether it is on
	 * @param holds the services whose instances it holds now
	 * @param activations how many times it tripped since start
	 * @param released how many held instances were dropped since start without coming
	 * back in etcd
	 */
	public record ProtectionDescriptor(boolean enabled, List<HoldDescriptor> holds, long activations, long released) {

		ProtectionDescriptor(ProtectionStats stats) {
			this(stats.enabled(), stats.holds().stream().map(HoldDescriptor::new).toList(), stats.activations(),
					stats.released());
		}

	}

	/**
	 * The instances of one service that the protection holds: etcd lost them without
	 * their withdrawal, the cache keeps serving their last known values.
	 *
	 * @param service the service
	 * @param since when the protection tripped
	 * @param until when the hold ends at the latest
	 * @param lost how many UP instances had vanished when it tripped
	 * @param up how many were still UP when it tripped
	 * @param instances the ids of the instances held now
	 */
	public record HoldDescriptor(String service, Instant since, Instant until, int lost, int up,
			List<String> instances) {

		HoldDescriptor(ProtectionStats.Hold hold) {
			this(hold.service(), hold.since(), hold.until(), hold.lost(), hold.up(),
					hold.instances().stream().map(DiscoveredInstance::instanceId).toList());
		}

	}

	/**
	 * A value skipped because it is not a usable instance.
	 *
	 * @param key the key, control characters escaped, long keys shortened
	 * @param revision the revision that wrote the value
	 * @param reason why it was skipped
	 * @param at when it was skipped
	 */
	public record SkippedValueDescriptor(String key, long revision, String reason, Instant at) {

		SkippedValueDescriptor(SkippedValue skipped) {
			this(skipped.key(), skipped.modRevision(), skipped.reason(), skipped.at());
		}

	}

	/**
	 * One service.
	 *
	 * @param service the service
	 * @param instances its instances, whatever their status, held ones included
	 * @param protection what the protection against mass removal holds of it, or
	 * {@code null}
	 */
	public record ServiceDescriptor(String service, List<InstanceDescriptor> instances,
			@Nullable HoldDescriptor protection) {

	}

	/**
	 * One discovered instance.
	 *
	 * @param instanceId the instance id
	 * @param address the address
	 * @param status the status
	 * @param secure whether it is reached over TLS
	 * @param metadata user metadata
	 * @param registeredAt when it registered
	 * @param key the key in etcd
	 * @param layout the layout it was read from: {@code etcd-discovery} for this
	 * library's own, else another registry's, such as {@code kitex}
	 * @param grpcAddress the address gRPC clients call when it differs from
	 * {@code address}, or {@code null}
	 * @param fromSnapshot whether it comes from the last-known snapshot rather than from
	 * etcd
	 * @param held whether etcd no longer holds it and the protection against mass removal
	 * keeps serving it
	 * @param warmingUpUntil until when its share of load-balanced requests grows
	 * ({@code discovery.client.warm-up}), on this application's clock, or {@code null}
	 * when it is warm
	 */
	public record InstanceDescriptor(String instanceId, String address, InstanceStatus status, boolean secure,
			Map<String, String> metadata, @Nullable Instant registeredAt, String key, String layout,
			@Nullable String grpcAddress, boolean fromSnapshot, boolean held, @Nullable Instant warmingUpUntil) {

		InstanceDescriptor(DiscoveredInstance instance, boolean fromSnapshot, boolean held,
				@Nullable Instant warmingUpUntil) {
			this(instance.instanceId(), instance.address(), instance.status(), instance.secure(), instance.metadata(),
					instance.registeredAt(), instance.key(), instance.layout(), grpcAddress(instance), fromSnapshot,
					held, warmingUpUntil);
		}

		private static @Nullable String grpcAddress(DiscoveredInstance instance) {
			HostAndPort grpc = instance.grpc();
			if (grpc == null) {
				return null;
			}
			String host = grpc.host();
			return (host.contains(":") ? "[" + host + "]" : host) + ":" + grpc.port();
		}

	}

}
