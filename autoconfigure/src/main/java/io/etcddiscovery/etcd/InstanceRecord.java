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

import java.util.Map;

/**
 * What this library writes about an instance, in the record of its value
 * ({@link NamingFormat#encode}).
 *
 * @author etcd-discovery authors
 */
public interface InstanceRecord {

	/**
	 * Return the namespace.
	 * @return the namespace
	 */
	String namespace();

	/**
	 * Return the service name.
	 * @return the service
	 */
	String service();

	/**
	 * Return the instance id.
	 * @return the instance id
	 */
	String instanceId();

	/**
	 * Return the host clients connect to.
	 * @return the host
	 */
	String host();

	/**
	 * Return the port clients connect to.
	 * @return the port
	 */
	int port();

	/**
	 * Return whether clients connect over TLS.
	 * @return whether the instance is secure
	 */
	boolean secure();

	/**
	 * Return the user metadata.
	 * @return the metadata
	 */
	Map<String, String> metadata();

	/**
	 * Return the status.
	 * @return the status
	 */
	InstanceStatus status();

	/**
	 * Return the address, {@code host:port} with IPv6 hosts in brackets, the {@code Addr}
	 * of etcd's naming format.
	 * @return the address
	 */
	String address();

}
