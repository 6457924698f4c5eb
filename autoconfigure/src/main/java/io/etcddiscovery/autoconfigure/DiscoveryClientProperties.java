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

package io.etcddiscovery.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the discovery of other services,
 * {@code discovery.client.*}: a local cache per namespace fed by an etcd watch, read by
 * the discovery clients.
 *
 * @author etcd-discovery authors
 */
@ConfigurationProperties("discovery.client")
public class DiscoveryClientProperties implements Validator {

	/**
	 * Whether to discover other services.
	 */
	private boolean enabled = true;

	/**
	 * Whether lookups return only instances whose status is UP. The discovery endpoint
	 * always shows every instance.
	 */
	private boolean onlyUp = true;

	/**
	 * Longest time the first lookup waits for the initial listing of etcd before it
	 * answers from what it has.
	 */
	private Duration initialLookupTimeout = Duration.ofSeconds(5);

	/**
	 * Order of the etcd-backed Spring Cloud discovery clients (blocking and reactive)
	 * within Spring Cloud's composite client, which asks lower values first. Spring
	 * Cloud's simple discovery client has order 0.
	 */
	private int order;

	/**
	 * How long changes of the cache are collected into one Spring Cloud HeartbeatEvent,
	 * the event that Gateway's discovery locator and Spring Boot Admin refresh on.
	 * Published only when instances changed, never periodically.
	 */
	private Duration changeEventDelay = Duration.ofMillis(100);

	/**
	 * How long a new instance's share of load-balanced requests grows: its share of a
	 * warm instance's is the elapsed part of this time, never less than 10%, counted from
	 * when this application first saw it UP (on its own clock). Applies to Spring Cloud
	 * LoadBalancer (blocking and reactive); gRPC's stock load-balancing policies take no
	 * per-address weights, so gRPC clients are not affected. Instances UP when this
	 * application starts do not warm up. 0 turns it off.
	 */
	private Duration warmUp = Duration.ZERO;

	private final Ejection ejection = new Ejection();

	private final Snapshot snapshot = new Snapshot();

	private final Protection protection = new Protection();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isOnlyUp() {
		return this.onlyUp;
	}

	public void setOnlyUp(boolean onlyUp) {
		this.onlyUp = onlyUp;
	}

	public Duration getInitialLookupTimeout() {
		return this.initialLookupTimeout;
	}

	public void setInitialLookupTimeout(Duration initialLookupTimeout) {
		this.initialLookupTimeout = initialLookupTimeout;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public Duration getChangeEventDelay() {
		return this.changeEventDelay;
	}

	public void setChangeEventDelay(Duration changeEventDelay) {
		this.changeEventDelay = changeEventDelay;
	}

	public Duration getWarmUp() {
		return this.warmUp;
	}

	public void setWarmUp(Duration warmUp) {
		this.warmUp = warmUp;
	}

	public Ejection getEjection() {
		return this.ejection;
	}

	public Snapshot getSnapshot() {
		return this.snapshot;
	}

	public Protection getProtection() {
		return this.protection;
	}

	@Override
	public boolean supports(Class<?> type) {
		return DiscoveryClientProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		DiscoveryClientProperties properties = (DiscoveryClientProperties) target;
		EtcdPropertiesValidator.positive(errors, "initialLookupTimeout", properties.getInitialLookupTimeout());
		Duration delay = properties.getChangeEventDelay();
		if (delay == null || delay.isNegative()) {
			errors.rejectValue("changeEventDelay", "invalid",
					"must not be negative: set it to a duration such as '100ms', or '0s'");
		}
		Duration warmUp = properties.getWarmUp();
		if (warmUp == null || warmUp.isNegative()) {
			errors.rejectValue("warmUp", "invalid",
					"must not be negative: set it to a duration such as '60s', or '0s' to turn the warm-up off");
		}
		EtcdPropertiesValidator.positive(errors, "ejection.probeInterval", properties.getEjection().getProbeInterval());
		EtcdPropertiesValidator.positive(errors, "snapshot.writeInterval", properties.getSnapshot().getWriteInterval());
		Protection protection = properties.getProtection();
		if (!(protection.getThreshold() >= 0 && protection.getThreshold() < 1)) {
			errors.rejectValue("protection.threshold", "invalid",
					"must be at least 0 and less than 1: the share of a service's UP instances that must vanish "
							+ "at once, such as 0.5; set 'discovery.client.protection.enabled=false' to turn the "
							+ "protection off");
		}
		EtcdPropertiesValidator.positive(errors, "protection.window", protection.getWindow());
		EtcdPropertiesValidator.positive(errors, "protection.maxHold", protection.getMaxHold());
	}

	/**
	 * Protection against mass removal: when most of a service's UP instances leave etcd
	 * at once without withdrawing themselves (their leases expired during a partition
	 * between them and etcd, or their keys were deleted or lost), the cache keeps serving
	 * the last-known ones for a bounded time. Instances that shut down gracefully are
	 * never held.
	 */
	public static class Protection {

		/**
		 * Whether the discovery cache keeps serving the last-known instances of a service
		 * when most of them vanish from etcd at once without withdrawing themselves.
		 */
		private boolean enabled = true;

		/**
		 * Share of a service's UP instances that must vanish from etcd within the window,
		 * without withdrawing themselves and less the instances that came UP meanwhile
		 * and are still UP, for the protection to hold them: more than this share trips
		 * it. At least 0 (any loss) and less than 1.
		 */
		private double threshold = 0.5;

		/**
		 * How far back vanished instances are added up: an outage removes instances as
		 * their leases expire, over up to a TTL.
		 */
		private Duration window = Duration.ofSeconds(30);

		/**
		 * Longest time instances are held after the protection trips. Each held instance
		 * is released earlier when it is back in etcd, and every held instance of a
		 * service is dropped when most of the service is UP in etcd again.
		 */
		private Duration maxHold = Duration.ofMinutes(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public Duration getMaxHold() {
			return this.maxHold;
		}

		public void setMaxHold(Duration maxHold) {
			this.maxHold = maxHold;
		}

	}

	/**
	 * Passive ejection: an instance that refused a connection is skipped by every Spring
	 * Cloud load balancer of this application until it accepts connections again or etcd
	 * removes it.
	 */
	public static class Ejection {

		/**
		 * Whether instances that refused a connection, or did not accept one within the
		 * HTTP client's connect timeout, are skipped by the load balancers.
		 */
		private boolean enabled = true;

		/**
		 * How often an ejected instance is probed with a TCP connection, also the timeout
		 * of each probe. The ejection ends at the first probe it accepts.
		 */
		private Duration probeInterval = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

	}

	/**
	 * Last-known snapshot: the discovery cache writes the instances it knows to a file,
	 * and a cache that starts while etcd cannot be listed within the initial lookup
	 * timeout answers from that file until the first listing replaces it whole.
	 */
	public static class Snapshot {

		/**
		 * Whether the discovery cache writes the instances it knows to a file, and
		 * answers from that file when it starts while etcd cannot be listed within the
		 * initial lookup timeout.
		 */
		private boolean enabled = true;

		/**
		 * Directory of the snapshot files, one file per etcd cluster and namespace. When
		 * not set, '.etcd-discovery/snapshots' in the user's home directory: per user,
		 * kept across restarts, shared by the applications of one user on one host that
		 * discover the same namespace. A directory that cannot be written is one warning.
		 */
		private @Nullable Path directory;

		/**
		 * Shortest time between two writes of the snapshot file. The first listing is
		 * written at once, and the last change once more when the application stops.
		 */
		private Duration writeInterval = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public Duration getWriteInterval() {
			return this.writeInterval;
		}

		public void setWriteInterval(Duration writeInterval) {
			this.writeInterval = writeInterval;
		}

	}

}
