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

import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.DecodedInstance;
import org.jspecify.annotations.Nullable;

/**
 * The layout of hand-written clientv3 code, as the examples of Go service discovery on
 * etcd write it: {@code cli.Put(ctx, "/services/<svc>/<id>", "host:port",
 * clientv3.WithLease(id))}, and a client that watches {@code /services/<svc>/} and takes
 * every value as an address.
 * <p>
 * Its default prefix is this library's own root: keys of more or fewer segments (this
 * library's {@code /services/<namespace>/<svc>/<id>}) and JSON values (Dubbo's
 * application-level {@code /services/<app>/<host:port>}) are other trees, skipped without
 * noise. Written: a bare {@code host:port}.
 *
 * @author etcd-discovery authors
 */
public final class PlainCodec extends SinglePrefixCodec {

	/**
	 * Create a codec.
	 * @param prefix the prefix, such as {@code /services/}
	 */
	public PlainCodec(String prefix) {
		super(Layout.PLAIN, prefix);
	}

	@Override
	public @Nullable ForeignInstance decode(String key, byte[] value) {
		String[] segments = Keys.segments(prefix(), key, 2);
		if (segments == null || AddressValues.isJson(value)) {
			return null;
		}
		DecodedInstance address = AddressValues.read(value, true);
		return new ForeignInstance(segments[0], segments[1], address.host(), address.port(), address.secure(), Map.of(),
				null);
	}

	@Override
	public List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		return List
			.of(new PublishedKey(prefix() + instance.service() + "/" + instance.instanceId(), instance.address()));
	}

}
