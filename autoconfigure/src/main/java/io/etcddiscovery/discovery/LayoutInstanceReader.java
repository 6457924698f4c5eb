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

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.layout.ForeignInstance;
import io.etcddiscovery.etcd.layout.LayoutCodec;
import org.jspecify.annotations.Nullable;

/**
 * Reads the instances of another registry's layout with its {@link LayoutCodec}. Those
 * registries have no status: a registered instance is UP, as their own resolvers take it.
 * Keys are checked like this library's own, so that one bad value skips one instance.
 *
 * @author etcd-discovery authors
 */
final class LayoutInstanceReader implements InstanceReader {

	private final LayoutCodec codec;

	private final SharedValues shared = new SharedValues();

	LayoutInstanceReader(LayoutCodec codec) {
		this.codec = codec;
	}

	@Override
	public @Nullable DiscoveredInstance read(String key, byte[] value, long modRevision) {
		if (value.length > ServiceInstanceReader.MAX_VALUE_SIZE) {
			throw new InvalidInstanceValueException("value of %d bytes is larger than %d bytes".formatted(value.length,
					ServiceInstanceReader.MAX_VALUE_SIZE));
		}
		ForeignInstance instance = this.codec.decode(key, value);
		if (instance == null) {
			return null;
		}
		InstanceValidator.validate(instance.service(), instance.instanceId(), instance.host(), instance.port(),
				instance.secure(), instance.metadata());
		String address = (instance.host().contains(":") ? "[" + instance.host() + "]" : instance.host()) + ":"
				+ instance.port();
		return new DiscoveredInstance(this.shared.service(instance.service()), instance.instanceId(), instance.host(),
				instance.port(), instance.secure(), InstanceStatus.UP, this.shared.metadata(instance.metadata()),
				address, key, modRevision, null, this.codec.layout().id(), instance.grpc());
	}

	/**
	 * Return the codec.
	 * @return the codec
	 */
	LayoutCodec codec() {
		return this.codec;
	}

}
