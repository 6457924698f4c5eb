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

package io.etcddiscovery.registration;

import org.springframework.util.Assert;

/**
 * Where instances live in etcd: {@code {prefix}/{namespace}/{service}/{instance-id}}
 * while they are {@link InstanceStatus#UP UP}, and
 * {@code {prefix}/{namespace}/~parked/{service}/{instance-id}} otherwise.
 * <p>
 * Go gRPC clients resolve a service with etcd's resolver, which turns every key under
 * {@code {prefix}/{namespace}/{service}} (a plain string prefix) into an address it
 * calls, whatever the value says. Parking the key of an instance that is not UP under a
 * segment that no service name can start with ({@code '~'}) takes it away from every Go
 * client, while Spring clients, which list the whole namespace, still see it with its
 * status.
 *
 * @param keyPrefix the prefix of every key, starting with '/' and without a trailing '/'
 * @author etcd-discovery authors
 */
public record KeyLayout(String keyPrefix) {

	/**
	 * The segment under a namespace that holds the keys of instances that are not UP.
	 * Service names are letters, digits, '.', '_' and '-', so no Go client's target
	 * prefix {@code {prefix}/{namespace}/{service}} matches it.
	 */
	public static final String PARKED_SEGMENT = "~parked";

	public KeyLayout {
		Assert.isTrue(keyPrefix.startsWith("/") && !keyPrefix.endsWith("/"),
				"'keyPrefix' must start with '/' and must not end with '/'");
	}

	/**
	 * Return the key an instance is registered under with its current status: its
	 * {@link #instanceKey instance key} while UP, its {@link #parkedKey parked key}
	 * otherwise.
	 * @param registration the instance
	 * @return the key
	 */
	public String keyFor(ServiceRegistration registration) {
		return (registration.status() == InstanceStatus.UP) ? instanceKey(registration) : parkedKey(registration);
	}

	/**
	 * Return the key of one instance as Go clients see it,
	 * {@code {prefix}/{namespace}/{service}/{instance-id}}.
	 * @param registration the instance
	 * @return the key
	 */
	public String instanceKey(ServiceRegistration registration) {
		return servicePrefix(registration.namespace(), registration.service()) + registration.instanceId();
	}

	/**
	 * Return the key of one instance while it is not UP,
	 * {@code {prefix}/{namespace}/~parked/{service}/{instance-id}}.
	 * @param registration the instance
	 * @return the key
	 */
	public String parkedKey(ServiceRegistration registration) {
		return namespacePrefix(registration.namespace()) + PARKED_SEGMENT + "/" + registration.service() + "/"
				+ registration.instanceId();
	}

	/**
	 * Return the prefix under which every instance of a service lives, ending with '/'.
	 * @param namespace the namespace
	 * @param service the service
	 * @return the prefix
	 */
	public String servicePrefix(String namespace, String service) {
		return namespacePrefix(namespace) + service + "/";
	}

	/**
	 * Return the prefix under which every service of a namespace lives, ending with '/'.
	 * @param namespace the namespace
	 * @return the prefix
	 */
	public String namespacePrefix(String namespace) {
		return this.keyPrefix + "/" + namespace + "/";
	}

}
