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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for registering this application in etcd and discovering other
 * services.
 *
 * @author etcd-discovery authors
 */
@ConfigurationProperties("discovery")
public class DiscoveryProperties implements InitializingBean, Validator {

	private static final Validator INSTANCE_VALIDATOR = new InstancePropertiesValidator();

	/**
	 * Whether service discovery through etcd is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Whether to register this application in etcd. Disable for an application that only
	 * discovers others.
	 */
	private boolean register = true;

	/**
	 * Name of the service this application registers as: letters, digits, '.', '_' and
	 * '-'. Defaults to 'spring.application.name'.
	 */
	private @Nullable String serviceName;

	/**
	 * Identifier of this instance, unique within its service: letters, digits, '.', '_'
	 * and '-'. Defaults to the service name, host name, port and a short random suffix.
	 */
	private @Nullable String instanceId;

	/**
	 * Namespace that isolates environments, part of every key. Set it per environment,
	 * for example with the DISCOVERY_NAMESPACE environment variable.
	 */
	private String namespace = "default";

	/**
	 * Namespaces this application may register in, for example only 'dev' unless a
	 * production profile sets 'prod'. Empty allows any namespace.
	 */
	private List<String> allowedNamespaces = new ArrayList<>();

	/**
	 * Host name or IP address that other services use to reach this instance: a DNS host
	 * name, an IPv4 address or an IPv6 address without brackets. Detected from the
	 * network interfaces when not set.
	 */
	private @Nullable String host;

	/**
	 * Port that other services use to reach this instance, 1 to 65535. Defaults to the
	 * web server's actual port; required without a web server.
	 */
	private @Nullable Integer port;

	/**
	 * Whether this instance is reached over TLS.
	 */
	private boolean secure;

	/**
	 * Metadata published with this instance. Keys of 1 to 256 characters; keys and values
	 * without control characters.
	 */
	private Map<String, String> metadata = new LinkedHashMap<>();

	/**
	 * Zone of this instance, published as the 'zone' metadata that Spring Cloud
	 * LoadBalancer's zone preference compares with the caller's
	 * 'spring.cloud.loadbalancer.zone'.
	 */
	private @Nullable String zone;

	/**
	 * Weight of this instance, a positive integer, published as the 'weight' metadata
	 * that Spring Cloud LoadBalancer's weighted configuration reads.
	 */
	private @Nullable Integer weight;

	/**
	 * Hint of this instance, published as the 'hint' metadata that Spring Cloud
	 * LoadBalancer's hint-based configuration matches with the caller's hint.
	 */
	private @Nullable String hint;

	/**
	 * API version of this instance, published as the 'API_VERSION' metadata that Spring
	 * Cloud LoadBalancer's API version configuration matches with the requested version.
	 */
	private @Nullable String apiVersion;

	/**
	 * Time to live of this instance's lease: how long the instance stays registered after
	 * its last successful heartbeat. Rounded up to whole seconds; etcd's minimum is 2s.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	/**
	 * Whether start-up fails when the first registration does not succeed. When false,
	 * the application starts and registration is retried in the background.
	 */
	private boolean failFast;

	private final HostDetection hostDetection = new HostDetection();

	private final Heartbeat heartbeat = new Heartbeat();

	private final Retry retry = new Retry();

	private final Discovery client = new Discovery();

	private final Shutdown shutdown = new Shutdown();

	private final Etcd etcd = new Etcd();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isRegister() {
		return this.register;
	}

	public void setRegister(boolean register) {
		this.register = register;
	}

	public @Nullable String getServiceName() {
		return this.serviceName;
	}

	public void setServiceName(@Nullable String serviceName) {
		this.serviceName = serviceName;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	public List<String> getAllowedNamespaces() {
		return this.allowedNamespaces;
	}

	public void setAllowedNamespaces(List<String> allowedNamespaces) {
		this.allowedNamespaces = allowedNamespaces;
	}

	public @Nullable String getHost() {
		return this.host;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public boolean isSecure() {
		return this.secure;
	}

	public void setSecure(boolean secure) {
		this.secure = secure;
	}

	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	public void setMetadata(Map<String, String> metadata) {
		this.metadata = metadata;
	}

	public @Nullable String getZone() {
		return this.zone;
	}

	public void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	public @Nullable Integer getWeight() {
		return this.weight;
	}

	public void setWeight(@Nullable Integer weight) {
		this.weight = weight;
	}

	public @Nullable String getHint() {
		return this.hint;
	}

	public void setHint(@Nullable String hint) {
		this.hint = hint;
	}

	public @Nullable String getApiVersion() {
		return this.apiVersion;
	}

	public void setApiVersion(@Nullable String apiVersion) {
		this.apiVersion = apiVersion;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public HostDetection getHostDetection() {
		return this.hostDetection;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Discovery getClient() {
		return this.client;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Etcd getEtcd() {
		return this.etcd;
	}

	@Override
	public void afterPropertiesSet() {
		DiscoveryPropertiesValidator.validate(this);
	}

	/**
	 * Return whether this validates a type when it is bound.
	 * @param type the type
	 * @return whether it is these properties
	 */
	@Override
	public boolean supports(Class<?> type) {
		return INSTANCE_VALIDATOR.supports(type);
	}

	/**
	 * Check, when the properties are bound, what this instance publishes.
	 * @param target the bound properties
	 * @param errors where violations are reported
	 */
	@Override
	public void validate(Object target, Errors errors) {
		INSTANCE_VALIDATOR.validate(target, errors);
	}

	/**
	 * How the host is detected when {@code discovery.host} is not set.
	 */
	public static class HostDetection {

		/**
		 * Regular expressions of network interface names to skip, in addition to loopback
		 * and virtual interfaces.
		 */
		private List<String> ignoredInterfaces = new ArrayList<>(
				List.of("docker.*", "veth.*", "br-.*", "virbr.*", "cni.*", "flannel.*", "cali.*", "vmnet.*"));

		/**
		 * Regular expressions or prefixes of addresses to prefer, for example '10.0' or
		 * '192\.168\..*'. The first interface address that matches wins.
		 */
		private List<String> preferredNetworks = new ArrayList<>();

		/**
		 * Whether to publish the host name instead of the IP address.
		 */
		private boolean useHostName;

		public List<String> getIgnoredInterfaces() {
			return this.ignoredInterfaces;
		}

		public void setIgnoredInterfaces(List<String> ignoredInterfaces) {
			this.ignoredInterfaces = ignoredInterfaces;
		}

		public List<String> getPreferredNetworks() {
			return this.preferredNetworks;
		}

		public void setPreferredNetworks(List<String> preferredNetworks) {
			this.preferredNetworks = preferredNetworks;
		}

		public boolean isUseHostName() {
			return this.useHostName;
		}

		public void setUseHostName(boolean useHostName) {
			this.useHostName = useHostName;
		}

	}

	/**
	 * Heartbeat that publishes this instance's status from actuator health.
	 */
	public static class Heartbeat {

		/**
		 * Whether this instance's status follows actuator health. When false the instance
		 * is published as UP while it is registered.
		 */
		private boolean enabled = true;

		/**
		 * Time between heartbeats. Defaults to a third of 'discovery.ttl'.
		 */
		private @Nullable Duration interval;

		/**
		 * Name of the health group whose status is published. Defaults to the overall
		 * health.
		 */
		private @Nullable String healthGroup;

		/**
		 * Longest time a health evaluation may take; a slower one counts as DOWN.
		 */
		private Duration healthTimeout = Duration.ofSeconds(2);

		/**
		 * How many consecutive evaluations with the same new status are needed before the
		 * published status changes.
		 */
		private int threshold = 1;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

		public @Nullable String getHealthGroup() {
			return this.healthGroup;
		}

		public void setHealthGroup(@Nullable String healthGroup) {
			this.healthGroup = healthGroup;
		}

		public Duration getHealthTimeout() {
			return this.healthTimeout;
		}

		public void setHealthTimeout(Duration healthTimeout) {
			this.healthTimeout = healthTimeout;
		}

		public int getThreshold() {
			return this.threshold;
		}

		public void setThreshold(int threshold) {
			this.threshold = threshold;
		}

	}

	/**
	 * Discovery of other services: a local cache per namespace fed by an etcd watch.
	 */
	public static class Discovery {

		/**
		 * Whether to discover other services.
		 */
		private boolean enabled = true;

		/**
		 * Whether lookups return only instances whose status is UP. The discovery
		 * endpoint always shows every instance.
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
		 * How long changes of the cache are collected into one Spring Cloud
		 * HeartbeatEvent, the event that Gateway's discovery locator and Spring Boot
		 * Admin refresh on. Published only when instances changed, never periodically.
		 */
		private Duration changeEventDelay = Duration.ofMillis(100);

		private final Ejection ejection = new Ejection();

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

		public Ejection getEjection() {
			return this.ejection;
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
	 * Retries of registration after a failure or a loss. Retries never stop.
	 */
	public static class Retry {

		/**
		 * Delay before the first retry.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Longest delay between retries. While this instance's old key may still be in
		 * etcd (its lease was given up), retries come at least every half
		 * 'discovery.ttl'.
		 */
		private Duration maxInterval = Duration.ofSeconds(30);

		/**
		 * Factor by which the delay grows after each failed retry.
		 */
		private double multiplier = 2.0;

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

	}

	/**
	 * Deregistration on shutdown.
	 */
	public static class Shutdown {

		/**
		 * Time between withdrawing this instance's key and revoking its lease, so that
		 * watchers and load balancers stop sending requests before the web server drains.
		 * Keep it below 'spring.lifecycle.timeout-per-shutdown-phase'.
		 */
		private Duration drainDelay = Duration.ofSeconds(2);

		public Duration getDrainDelay() {
			return this.drainDelay;
		}

		public void setDrainDelay(Duration drainDelay) {
			this.drainDelay = drainDelay;
		}

	}

	/**
	 * Connection to etcd.
	 */
	public static class Etcd {

		/**
		 * URLs of the etcd cluster's client endpoints, "http(s)://host:port", IPv6 hosts
		 * in brackets.
		 */
		private List<String> endpoints = new ArrayList<>(List.of("http://127.0.0.1:2379"));

		/**
		 * Prefix of every key this library reads or writes: starts with '/', no trailing
		 * '/'.
		 */
		private String keyPrefix = "/services";

		/**
		 * User name for etcd authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for etcd authentication. Never logged nor shown by endpoints.
		 */
		private @Nullable String password;

		/**
		 * Time allowed to establish a connection to an etcd endpoint.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Deadline of every request to etcd. Defaults to half of 'discovery.ttl', between
		 * 2s and 5s; must not be longer than 'discovery.ttl'. A request made for a lease
		 * never waits longer than the lease has left.
		 */
		private @Nullable Duration requestTimeout;

		/**
		 * Longest time an etcd member may leave a keep-alive, a watch request or a call
		 * unanswered before this application stops sending to it and moves its streams to
		 * the other endpoints. Defaults to a sixth of 'discovery.ttl'; must leave time to
		 * renew the lease through another member: at most two thirds of 'discovery.ttl'
		 * less 1s. Used with more than one endpoint.
		 */
		private @Nullable Duration memberTimeout;

		private final Ssl ssl = new Ssl();

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public @Nullable Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public @Nullable Duration getMemberTimeout() {
			return this.memberTimeout;
		}

		public void setMemberTimeout(@Nullable Duration memberTimeout) {
			this.memberTimeout = memberTimeout;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

	}

	/**
	 * TLS to etcd.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle ('spring.ssl.bundle.*') holding the trust material and,
		 * for mutual TLS, the client certificate used to connect to etcd.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
