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

package io.etcddiscovery.etcd;

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
	 * Return the key an instance is registered under with its status: its
	 * {@link #instanceKey instance key} while UP, its {@link #parkedKey parked key}
	 * otherwise.
	 * @param namespace the namespace
	 * @param service the service
	 * @param instanceId the instance id
	 * @param status the status
	 * @return the key
	 */
	public String keyFor(String namespace, String service, String instanceId, InstanceStatus status) {
		return (status == InstanceStatus.UP) ? instanceKey(namespace, service, instanceId)
				: parkedKey(namespace, service, instanceId);
	}

	/**
	 * Return the key of one instance as Go clients see it,
	 * {@code {prefix}/{namespace}/{service}/{instance-id}}.
	 * @param namespace the namespace
	 * @param service the service
	 * @param instanceId the instance id
	 * @return the key
	 */
	public String instanceKey(String namespace, String service, String instanceId) {
		return servicePrefix(namespace, service) + instanceId;
	}

	/**
	 * Return the key of one instance while it is not UP,
	 * {@code {prefix}/{namespace}/~parked/{service}/{instance-id}}.
	 * @param namespace the namespace
	 * @param service the service
	 * @param instanceId the instance id
	 * @return the key
	 */
	public String parkedKey(String namespace, String service, String instanceId) {
		return namespacePrefix(namespace) + PARKED_SEGMENT + "/" + service + "/" + instanceId;
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

	/**
	 * Read what a key under a namespace prefix names: {@code <service>/<instance-id>}, or
	 * {@code ~parked/<service>/<instance-id>} for an instance that is not UP.
	 * @param namespacePrefix the namespace's prefix, as {@link #namespacePrefix} returns
	 * it
	 * @param key the key
	 * @return the service, the instance and whether it is parked
	 * @throws InvalidInstanceValueException if the key is not an instance's
	 */
	public static KeyNames names(String namespacePrefix, String key) {
		String rest = key.startsWith(namespacePrefix) ? key.substring(namespacePrefix.length()) : "";
		String[] segments = rest.split("/", -1);
		boolean parked = segments.length == 3 && segments[0].equals(PARKED_SEGMENT);
		int first = parked ? 1 : 0;
		if ((segments.length != 2 && !parked) || segments[first].isEmpty() || segments[first + 1].isEmpty()
				|| segments[first].startsWith("~")) {
			throw new InvalidInstanceValueException("key is not of the form " + namespacePrefix
					+ "<service>/<instance-id> or " + namespacePrefix + PARKED_SEGMENT + "/<service>/<instance-id>");
		}
		return new KeyNames(segments[first], segments[first + 1], parked);
	}

	/**
	 * What a key says: the service, the instance, and whether the instance is parked.
	 *
	 * @param service the service name
	 * @param instanceId the instance id
	 * @param parked whether the key is under the parked segment
	 */
	public record KeyNames(String service, String instanceId, boolean parked) {

	}

}
