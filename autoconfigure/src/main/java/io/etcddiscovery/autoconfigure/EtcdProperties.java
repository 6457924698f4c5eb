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
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the connection to etcd, {@code discovery.etcd.*}: where
 * etcd is, how to authenticate, the timeouts and the key prefix. The endpoints, the
 * credentials and the SSL bundle reach the client through {@link EtcdConnectionDetails},
 * which a container or a platform may supply instead.
 * <p>
 * Checked when bound ({@link EtcdPropertiesValidator}), so that Spring Boot reports a
 * value that cannot work with the property, the value and where it was set.
 *
 * @author etcd-discovery authors
 */
@ConfigurationProperties("discovery.etcd")
public class EtcdProperties implements Validator {

	/**
	 * URLs of the etcd cluster's client endpoints, "http(s)://host:port", IPv6 hosts in
	 * brackets.
	 */
	private List<String> endpoints = new ArrayList<>(List.of("http://127.0.0.1:2379"));

	/**
	 * Prefix of every key this library reads or writes: starts with '/', no trailing '/'.
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
	 * Deadline of every request to etcd. Defaults to half of 'discovery.ttl', between 2s
	 * and 5s; must not be longer than 'discovery.ttl'. A request made for a lease never
	 * waits longer than the lease has left.
	 */
	private @Nullable Duration requestTimeout;

	/**
	 * Longest time an etcd member may leave a keep-alive, a watch request or a call
	 * unanswered before this application stops sending to it and moves its streams to the
	 * other endpoints. Defaults to a sixth of 'discovery.ttl'; must leave time to renew
	 * the lease through another member: at most two thirds of 'discovery.ttl' less 1s.
	 * Used with more than one endpoint.
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

	@Override
	public boolean supports(Class<?> type) {
		return EtcdProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		new EtcdPropertiesValidator().validate(target, errors);
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
