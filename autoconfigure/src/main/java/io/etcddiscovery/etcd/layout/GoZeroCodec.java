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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.DecodedInstance;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The layout of go-zero's {@code core/discov} (read from {@code publisher.go},
 * {@code subscriber.go} and {@code internal/registry.go}, go-zero v1.10.3): a publisher
 * puts {@code <key>/<id>} holding a bare {@code host:port}, where {@code <key>} is the
 * user's and {@code <id>} the lease id in decimal (or the id given with {@code WithId});
 * subscribers watch {@code <key>/} and hand every value to the dialer.
 * <p>
 * The keys are chosen per service ({@code discovery.layouts.go-zero.keys.<service>}): a
 * service without one is neither read nor published.
 *
 * @author etcd-discovery authors
 */
public final class GoZeroCodec implements LayoutCodec {

	// Service -> the key's prefix, '<key>/'.
	private final Map<String, String> prefixes = new LinkedHashMap<>();

	/**
	 * Create a codec.
	 * @param keys the go-zero key of each service, such as {@code orders.rpc}
	 */
	public GoZeroCodec(Map<String, String> keys) {
		Assert.notNull(keys, "'keys' must not be null");
		keys.forEach((service, key) -> this.prefixes.put(service, key + "/"));
	}

	@Override
	public Layout layout() {
		return Layout.GO_ZERO;
	}

	@Override
	public List<String> prefixes() {
		return List.copyOf(this.prefixes.values());
	}

	@Override
	public @Nullable ForeignInstance decode(String key, byte[] value) {
		Map.Entry<String, String> service = AddressValues.serviceOf(this.prefixes, key);
		if (service == null) {
			return null;
		}
		String[] segments = Keys.segments(service.getValue(), key, 1);
		if (segments == null) {
			return null;
		}
		DecodedInstance address = AddressValues.read(value, false);
		return new ForeignInstance(service.getKey(), segments[0], address.host(), address.port(), false, Map.of(),
				null);
	}

	@Override
	public List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		String prefix = this.prefixes.get(instance.service());
		if (prefix == null) {
			return List.of();
		}
		return List.of(new PublishedKey(prefix + leaseId, instance.address()));
	}

}
