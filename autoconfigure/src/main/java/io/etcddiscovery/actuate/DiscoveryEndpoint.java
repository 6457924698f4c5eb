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

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.registration.StatusPublisher;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * {@code /actuator/discovery}: what this instance published in etcd and how its
 * registration is doing, the etcd connection, and what this instance discovered.
 * {@code POST {"status":"OUT_OF_SERVICE"}} takes the instance out of rotation without
 * stopping it, {@code {"status":"UP"}} hands its status back to health;
 * {@code {"weight":0}} drains it, {@code {"metadata":"{\"name\":\"value\"}"}} changes its
 * metadata. These changes last until the application restarts.
 *
 * @author etcd-discovery authors
 */
@Endpoint(id = "discovery")
public class DiscoveryEndpoint {

	private static final String WEIGHT = "weight";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String LASTS = "status, weight and metadata set with POST /actuator/discovery last until the application restarts";

	private final @Nullable InstanceRegistrar registrar;

	private final @Nullable HealthCheckLoop heartbeat;

	private final @Nullable StatusPublisher statusPublisher;

	private final String namespace;

	private final List<String> endpoints;

	private final @Nullable DiscoveredServices discoveredServices;

	private final Clock clock;

	private final @Nullable LoadBalancerView loadBalancer;

	/**
	 * Create a new endpoint without a view of the load balancers.
	 * @param registrar the registrar, or {@code null} when this application does not
	 * register
	 * @param heartbeat the heartbeat, or {@code null}
	 * @param statusPublisher the status publisher, or {@code null}
	 * @param namespace the namespace
	 * @param endpoints the etcd endpoints, without credentials
	 * @param discoveredServices what this instance discovered, or {@code null}
	 * @param clock the clock
	 */
	public DiscoveryEndpoint(@Nullable InstanceRegistrar registrar, @Nullable HealthCheckLoop heartbeat,
			@Nullable StatusPublisher statusPublisher, String namespace, List<String> endpoints,
			@Nullable DiscoveredServices discoveredServices, Clock clock) {
		this(registrar, heartbeat, statusPublisher, namespace, endpoints, discoveredServices, null, clock);
	}

	/**
	 * Create a new endpoint.
	 * @param registrar the registrar, or {@code null} when this application does not
	 * register
	 * @param heartbeat the heartbeat, or {@code null}
	 * @param statusPublisher the status publisher, or {@code null}
	 * @param namespace the namespace
	 * @param endpoints the etcd endpoints, without credentials
	 * @param discoveredServices what this instance discovered, or {@code null}
	 * @param loadBalancer what this application's load balancers skip, or {@code null}
	 * @param clock the clock
	 */
	public DiscoveryEndpoint(@Nullable InstanceRegistrar registrar, @Nullable HealthCheckLoop heartbeat,
			@Nullable StatusPublisher statusPublisher, String namespace, List<String> endpoints,
			@Nullable DiscoveredServices discoveredServices, @Nullable LoadBalancerView loadBalancer, Clock clock) {
		Assert.notNull(namespace, "'namespace' must not be null");
		this.loadBalancer = loadBalancer;
		this.registrar = registrar;
		this.heartbeat = heartbeat;
		this.statusPublisher = statusPublisher;
		this.namespace = namespace;
		this.endpoints = List.copyOf(endpoints);
		this.discoveredServices = discoveredServices;
		this.clock = clock;
	}

	@ReadOperation
	public DiscoveryDescriptor discovery() {
		InstanceDescriptor instance = instance();
		return new DiscoveryDescriptor(instance, new EtcdDescriptor(this.endpoints, connection(instance)),
				(this.discoveredServices != null) ? this.discoveredServices.describe() : null,
				(this.loadBalancer != null) ? this.loadBalancer.describe() : null);
	}

	@ReadOperation
	public @Nullable Object service(@Selector String service) {
		return (this.discoveredServices != null) ? this.discoveredServices.describe(service) : null;
	}

	/**
	 * Change what this instance publishes, until the application restarts: its status
	 * ({@code OUT_OF_SERVICE} takes it out of rotation without stopping it, {@code UP}
	 * hands the status back to health), its weight (the {@code weight} metadata; 0 drains
	 * it: consumers with this starter send it no new request) and its metadata. Each is
	 * written to the instance's key in etcd by its registration, with the same lease.
	 * <p>
	 * The actuator reads a request body as names and strings only, so {@code metadata} is
	 * a string that holds a JSON object: each entry given is set, one given as
	 * {@code null} removed, for example
	 * {@code {"metadata":"{\"team\":\"blue\",\"canary\":null}"}}.
	 * @param status the status, or {@code null} to keep it
	 * @param weight the weight, 0 or more, or {@code null} to keep it
	 * @param metadata the metadata entries to set or remove, as a JSON object, or
	 * {@code null}
	 * @return the instance, as it is now
	 */
	@WriteOperation
	public @Nullable InstanceDescriptor update(@Nullable String status, @Nullable Integer weight,
			@Nullable String metadata) {
		if (this.statusPublisher == null || this.registrar == null) {
			throw new InvalidEndpointRequestException("This application does not register itself", "Not registered");
		}
		if (status == null && weight == null && metadata == null) {
			throw new InvalidEndpointRequestException("Give a status, a weight or metadata", "Nothing to change");
		}
		Map<String, @Nullable String> changes = (metadata != null) ? metadataChanges(metadata) : new LinkedHashMap<>();
		if (weight != null) {
			changes.put(WEIGHT, weight.toString());
		}
		String newWeight = changes.get(WEIGHT);
		if (newWeight != null && !isWeight(newWeight)) {
			throw new InvalidEndpointRequestException(
					"Invalid weight '%s': use 0 (drained) or a positive integer".formatted(newWeight),
					"Invalid weight");
		}
		if (status != null) {
			try {
				this.statusPublisher.setOperatorStatus(status);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "Invalid status");
			}
		}
		if (!changes.isEmpty()) {
			this.registrar.setMetadata(changes);
		}
		return instance();
	}

	private static Map<String, @Nullable String> metadataChanges(String metadata) {
		JsonNode object;
		try {
			object = JSON.readTree(metadata);
		}
		catch (JacksonException ex) {
			object = null;
		}
		if (object == null || !object.isObject()) {
			throw new InvalidEndpointRequestException("Invalid metadata: give a JSON object in a string, for example "
					+ "{\"metadata\":\"{\\\"team\\\":\\\"blue\\\"}\"}", "Invalid metadata");
		}
		Map<String, @Nullable String> changes = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : object.properties()) {
			JsonNode value = entry.getValue();
			if (value.isObject() || value.isArray()) {
				throw new InvalidEndpointRequestException(
						"Invalid metadata entry '%s': give a string, a number, a boolean or null"
							.formatted(entry.getKey()),
						"Invalid metadata");
			}
			changes.put(entry.getKey(), value.isNull() ? null : value.asString());
		}
		return changes;
	}

	private static boolean isWeight(String value) {
		try {
			return Integer.parseInt(value) >= 0;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private @Nullable InstanceDescriptor instance() {
		if (this.registrar == null) {
			return null;
		}
		RegistrationState state = this.registrar.getState();
		ServiceRegistration registration = this.registrar.getRegistration();
		HealthCheckLoop.Beat beat = (this.heartbeat != null) ? this.heartbeat.getLastBeat() : null;
		Duration leaseTimeLeft = null;
		if (state.leaseId() != 0 && state.lastRenewal() != null) {
			Duration left = Duration.between(this.clock.instant(), state.lastRenewal().plusSeconds(state.ttlSeconds()));
			leaseTimeLeft = left.isNegative() ? Duration.ZERO : left;
		}
		return new InstanceDescriptor((registration != null) ? registration.service() : null,
				(registration != null) ? registration.instanceId() : null, this.namespace, state.key(),
				(registration != null) ? registration.address() : null,
				(state.leaseId() != 0) ? Long.toHexString(state.leaseId()) : null,
				Duration
					.ofSeconds((state.ttlSeconds() != 0) ? state.ttlSeconds() : this.registrar.getTtl().toSeconds()),
				leaseTimeLeft, state.status(),
				(this.statusPublisher != null) ? this.statusPublisher.getHealthStatus() : null,
				(this.statusPublisher != null) ? this.statusPublisher.getOverride() : null, state.phase(),
				state.registeredAt(), state.lastRenewal(), (beat != null) ? new HeartbeatDescriptor(beat) : null,
				(this.heartbeat != null) ? this.heartbeat.getConsecutiveFailures() : 0, state.consecutiveFailures(),
				state.lastError(), (registration != null) ? registration.metadata() : Map.of(),
				this.registrar.getLeaseLosses(), this.registrar.getReRegistrations(), LASTS);
	}

	private String connection(@Nullable InstanceDescriptor instance) {
		String discovery = (this.discoveredServices != null) ? this.discoveredServices.connection() : "UNKNOWN";
		if (instance == null) {
			return discovery;
		}
		if (instance.lastHeartbeat() != null && !instance.lastHeartbeat().success()
				&& instance.registration() != RegistrationState.Phase.REGISTERED) {
			return "UNREACHABLE";
		}
		if (instance.leaseTimeLeft() != null && !instance.leaseTimeLeft().isZero()) {
			return "CONNECTED";
		}
		return (instance.registration() == RegistrationState.Phase.RETRYING) ? "UNREACHABLE" : discovery;
	}

	/**
	 * What this instance discovered, for the endpoint.
	 */
	public interface DiscoveredServices {

		/**
		 * Describe every discovered service.
		 * @return a description to render as JSON
		 */
		Object describe();

		/**
		 * Describe one service.
		 * @param service the service
		 * @return a description to render as JSON, or {@code null} if it is unknown
		 */
		@Nullable Object describe(String service);

		/**
		 * Return the state of the connection to etcd as seen by discovery.
		 * @return the connection state
		 */
		String connection();

	}

	/**
	 * What this application's load balancers skip, for the endpoint.
	 */
	@FunctionalInterface
	public interface LoadBalancerView {

		/**
		 * Describe the load balancers' state.
		 * @return a description to render as JSON
		 */
		Object describe();

	}

	/**
	 * The endpoint's response.
	 *
	 * @param instance this instance, or {@code null} when it does not register
	 * @param etcd the etcd connection
	 * @param discovery what this instance discovered, or {@code null}
	 * @param loadBalancer what this application's load balancers skip, or {@code null}
	 * without Spring Cloud LoadBalancer
	 */
	public record DiscoveryDescriptor(@Nullable InstanceDescriptor instance, EtcdDescriptor etcd,
			@Nullable Object discovery, @Nullable Object loadBalancer) implements OperationResponseBody {

	}

	/**
	 * This instance's registration.
	 *
	 * @param service the service
	 * @param instanceId the instance id
	 * @param namespace the namespace
	 * @param key the key in etcd
	 * @param address the published address
	 * @param leaseId the lease id in hex, as etcdctl shows it
	 * @param ttl the lease TTL
	 * @param leaseTimeLeft time left before the lease expires without renewal
	 * @param status the published status
	 * @param healthStatus the status derived from health
	 * @param override the status set through this endpoint, if any
	 * @param registration the registration state
	 * @param registeredSince when the current key was written
	 * @param lastRenewal when etcd last renewed the lease
	 * @param lastHeartbeat the last heartbeat
	 * @param consecutiveHeartbeatFailures heartbeats that failed in a row
	 * @param consecutiveRegistrationFailures registration attempts that failed in a row
	 * @param lastError the last registration error
	 * @param metadata the user metadata
	 * @param leaseLosses lease losses since start
	 * @param reRegistrations re-registrations since start
	 * @param changesLast how long the changes made with this endpoint last: until the
	 * application restarts
	 */
	public record InstanceDescriptor(@Nullable String service, @Nullable String instanceId, String namespace,
			@Nullable String key, @Nullable String address, @Nullable String leaseId, Duration ttl,
			@Nullable Duration leaseTimeLeft, InstanceStatus status, @Nullable InstanceStatus healthStatus,
			@Nullable InstanceStatus override, RegistrationState.Phase registration, @Nullable Instant registeredSince,
			@Nullable Instant lastRenewal, @Nullable HeartbeatDescriptor lastHeartbeat,
			int consecutiveHeartbeatFailures, int consecutiveRegistrationFailures, @Nullable String lastError,
			Map<String, String> metadata, long leaseLosses, long reRegistrations,
			String changesLast) implements OperationResponseBody {

	}

	/**
	 * The last heartbeat.
	 *
	 * @param at when it ran
	 * @param success whether the key was confirmed in etcd
	 * @param failure why it failed
	 * @param duration how long it took
	 * @param health the health status it saw
	 */
	public record HeartbeatDescriptor(Instant at, boolean success, @Nullable String failure, Duration duration,
			@Nullable InstanceStatus health) {

		HeartbeatDescriptor(HealthCheckLoop.Beat beat) {
			this(beat.at(), beat.success(), beat.failure(), beat.duration(), beat.health());
		}

	}

	/**
	 * The connection to etcd.
	 *
	 * @param endpoints the endpoints
	 * @param connection the connection state
	 */
	public record EtcdDescriptor(List<String> endpoints, String connection) {

	}

}
