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
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.registration.StatusPublisher;
import org.jspecify.annotations.Nullable;

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
 * stopping it, {@code {"status":"UP"}} hands its status back to health.
 *
 * @author etcd-discovery authors
 */
@Endpoint(id = "discovery")
public class DiscoveryEndpoint {

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

	@WriteOperation
	public @Nullable InstanceDescriptor status(String status) {
		if (this.statusPublisher == null) {
			throw new InvalidEndpointRequestException("This application does not register itself", "Not registered");
		}
		try {
			this.statusPublisher.setOperatorStatus(status);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "Invalid status");
		}
		return instance();
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
				this.registrar.getLeaseLosses(), this.registrar.getReRegistrations());
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
	 */
	public record InstanceDescriptor(@Nullable String service, @Nullable String instanceId, String namespace,
			@Nullable String key, @Nullable String address, @Nullable String leaseId, Duration ttl,
			@Nullable Duration leaseTimeLeft, InstanceStatus status, @Nullable InstanceStatus healthStatus,
			@Nullable InstanceStatus override, RegistrationState.Phase registration, @Nullable Instant registeredSince,
			@Nullable Instant lastRenewal, @Nullable HeartbeatDescriptor lastHeartbeat,
			int consecutiveHeartbeatFailures, int consecutiveRegistrationFailures, @Nullable String lastError,
			Map<String, String> metadata, long leaseLosses, long reRegistrations) implements OperationResponseBody {

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
