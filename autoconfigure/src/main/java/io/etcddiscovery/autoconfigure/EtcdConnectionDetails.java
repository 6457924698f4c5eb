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

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Details required to connect to etcd: its endpoints, the credentials and the TLS
 * material. Defined from {@code discovery.etcd.*} by default; a bean of this type that a
 * container or a platform supplies (a test container, a service binding) replaces them,
 * the way Spring Boot's {@code RedisConnectionDetails} replaces
 * {@code spring.data.redis.*}.
 *
 * @author etcd-discovery authors
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

	/**
	 * Return the URLs of the cluster's client endpoints, {@code http(s)://host:port},
	 * IPv6 hosts in brackets.
	 * @return the endpoints
	 */
	List<String> getEndpoints();

	/**
	 * Return the user name for etcd authentication.
	 * @return the user name, or {@code null} to connect without authentication
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * Return the password for etcd authentication.
	 * @return the password, or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * Return the SSL bundle holding the trust material and, for mutual TLS, the client
	 * certificate.
	 * @return the bundle, or {@code null} for the JDK's trust store with https://
	 * endpoints and no TLS with http:// ones
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
