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
 * Where instances live in etcd: {@code {prefix}/{namespace}/{service}/{instance-id}}.
 *
 * @param keyPrefix the prefix of every key, starting with '/' and without a trailing '/'
 * @author etcd-discovery authors
 */
public record KeyLayout(String keyPrefix) {

	public KeyLayout {
		Assert.isTrue(keyPrefix.startsWith("/") && !keyPrefix.endsWith("/"),
				"'keyPrefix' must start with '/' and must not end with '/'");
	}

	/**
	 * Return the key of one instance.
	 * @param registration the instance
	 * @return the key
	 */
	public String instanceKey(ServiceRegistration registration) {
		return servicePrefix(registration.namespace(), registration.service()) + registration.instanceId();
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
