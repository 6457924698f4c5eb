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
package io.etcddiscovery.etcd.layout;

import java.util.Map;

import io.etcddiscovery.etcd.DecodedInstance;
import org.jspecify.annotations.Nullable;

/**
 * The layout of go-kit's {@code sd/etcdv3} (read from {@code registrar.go},
 * {@code instancer.go} and {@code example_test.go}, go-kit v0.13.0): the registrar puts
 * the key and value the user gives ({@code Service{Key, Value}}), the instancer lists and
 * watches a prefix and hands every value under it to the user's factory. go-kit's example
 * registers {@code <prefix><host:port>} holding {@code host:port}; this codec writes
 * that, and reads {@code host:port} or {@code http(s)://host:port} under the prefix.
 * <p>
 * The prefixes are chosen per service ({@code discovery.layouts.go-kit.keys.<service>},
 * ending with '/'): a service without one is neither read nor published.
 *
 * @author etcd-discovery authors
 */
public final class GoKitCodec extends PerServicePrefixCodec {

	/**
	 * Create a codec.
	 * @param prefixes the key prefix of each service, such as {@code /services/orders/}
	 */
	public GoKitCodec(Map<String, String> prefixes) {
		super(Layout.GO_KIT, prefixes, Keys::directory);
	}

	@Override
	protected @Nullable ForeignInstance decode(String service, String prefix, String key, byte[] value) {
		String id = key.substring(prefix.length());
		if (id.isEmpty()) {
			return null;
		}
		DecodedInstance address = AddressValues.read(value, true);
		return new ForeignInstance(service, id, address.host(), address.port(), address.secure(), Map.of(), null);
	}

	@Override
	protected PublishedKey encode(String prefix, PublishedInstance instance, long leaseId) {
		return new PublishedKey(prefix + instance.instanceId(), instance.address());
	}

}
