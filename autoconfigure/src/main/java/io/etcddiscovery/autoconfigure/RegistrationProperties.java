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

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties under {@code discovery}: how this application registers in
 * etcd (service name, instance id, host, port, metadata, TTL, heartbeat, shutdown) and
 * the few settings registration and discovery share (whether the starter is enabled, the
 * namespace and the allowed namespaces, the retry backoff). The discovery client's own
 * settings are {@link DiscoveryClientProperties} ({@code discovery.client}), the etcd
 * connection's {@link EtcdProperties} ({@code discovery.etcd}).
 *
 * @author etcd-discovery authors
 */
@ConfigurationProperties("discovery")
public class RegistrationProperties implements Validator {

	private static final Validator VALIDATOR = new RegistrationPropertiesValidator();

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

	@NestedConfigurationProperty
	private final HeartbeatProperties heartbeat = new HeartbeatProperties();

	@NestedConfigurationProperty
	private final RetryProperties retry = new RetryProperties();

	private final Shutdown shutdown = new Shutdown();

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

	public HeartbeatProperties getHeartbeat() {
		return this.heartbeat;
	}

	public RetryProperties getRetry() {
		return this.retry;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	/**
	 * Return whether this validates a type when it is bound.
	 * @param type the type
	 * @return whether it is these properties
	 */
	@Override
	public boolean supports(Class<?> type) {
		return VALIDATOR.supports(type);
	}

	/**
	 * Check, when the properties are bound, that every value can work.
	 * @param target the bound properties
	 * @param errors where violations are reported
	 */
	@Override
	public void validate(Object target, Errors errors) {
		VALIDATOR.validate(target, errors);
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

}
