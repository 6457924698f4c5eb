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

package io.etcddiscovery.discovery;

import java.util.Map;

import io.etcddiscovery.etcd.DecodedInstance;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InstanceValueRules;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.KeyLayout.KeyNames;
import io.etcddiscovery.etcd.NamingFormat;

/**
 * Reads a {@link DiscoveredInstance} from a key and value under a namespace prefix. The
 * key names the service and the instance, {@code <service>/<instance-id>}, or
 * {@code ~parked/<service>/<instance-id>} for an instance that is not UP (see
 * {@link KeyLayout}); the value is decoded by {@link NamingFormat}: etcd's naming format,
 * written by this library or by any client of etcd's Go resolver, or a bare address.
 * <p>
 * Lenient where other writers differ (no {@code Metadata}, no {@code status}, extra
 * fields, lowercase field names), strict where a value would mislead (fields of the wrong
 * type, an address without a port, a key at the wrong depth, an oversized value).
 *
 * @author etcd-discovery authors
 */
final class ServiceInstanceReader implements InstanceReader {

	/**
	 * Largest value read as an instance. Instances are a few hundred bytes; a larger
	 * value is a mistake that should not cost every client memory.
	 */
	static final int MAX_VALUE_SIZE = InstanceValueRules.MAX_VALUE_SIZE;

	private final NamingFormat codec = new NamingFormat();

	private final String prefix;

	private final SharedValues shared = new SharedValues();

	ServiceInstanceReader(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Read an instance.
	 * @param key the key
	 * @param value the value
	 * @param modRevision the revision that wrote the value
	 * @return the instance
	 * @throws InvalidInstanceValueException if the key or value is not an instance
	 */
	@Override
	public DiscoveredInstance read(String key, byte[] value, long modRevision) {
		KeyNames names = KeyLayout.names(this.prefix, key);
		if (value.length > MAX_VALUE_SIZE) {
			throw new InvalidInstanceValueException(
					"value of %d bytes is larger than %d bytes".formatted(value.length, MAX_VALUE_SIZE));
		}
		DecodedInstance decoded = this.codec.decode(value);
		String host = decoded.host();
		int port = decoded.port();
		InstanceStatus status = decoded.status();
		if (names.parked() && status == InstanceStatus.UP) {
			// Go clients never call a parked key: neither do Spring clients.
			status = InstanceStatus.UNKNOWN;
		}
		boolean secure = decoded.secure();
		Map<String, String> metadata = decoded.metadata();
		InstanceValidator.validate(names.service(), names.instanceId(), host, port, secure, metadata);
		return new DiscoveredInstance(this.shared.service(names.service()), names.instanceId(), host, port, secure,
				status, this.shared.metadata(metadata), decoded.address(), key, modRevision, decoded.registeredAt());
	}

}
