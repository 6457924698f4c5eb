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
public final class GoZeroCodec extends PerServicePrefixCodec {

	/**
	 * Create a codec.
	 * @param keys the go-zero key of each service, such as {@code orders.rpc}
	 */
	public GoZeroCodec(Map<String, String> keys) {
		super(Layout.GO_ZERO, keys, (key) -> key + "/");
	}

	@Override
	protected @Nullable ForeignInstance decode(String service, String prefix, String key, byte[] value) {
		String[] segments = Keys.segments(prefix, key, 1);
		if (segments == null) {
			return null;
		}
		DecodedInstance address = AddressValues.read(value, false);
		return new ForeignInstance(service, segments[0], address.host(), address.port(), false, Map.of(), null);
	}

	@Override
	protected PublishedKey encode(String prefix, PublishedInstance instance, long leaseId) {
		return new PublishedKey(prefix + leaseId, instance.address());
	}

}
