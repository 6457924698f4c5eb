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
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.NamingFormat;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Derives, from the key and value the registration writes, the keys and values other
 * registries' layouts hold of the same instance: what each framework's own registrar
 * would write. Only an instance at its instance key whose value says {@code UP} is
 * published: these frameworks have no status, presence under their prefix is all their
 * resolvers read.
 *
 * @author etcd-discovery authors
 */
public final class LayoutPublisher {

	private final List<LayoutCodec> codecs;

	private final String namespacePrefix;

	private final NamingFormat format = new NamingFormat();

	/**
	 * Create a publisher.
	 * @param codecs the codecs of the layouts to publish in
	 * @param namespacePrefix the prefix of the namespace the instance registers in,
	 * ending with '/', such as {@code /services/default/}
	 */
	public LayoutPublisher(List<LayoutCodec> codecs, String namespacePrefix) {
		Assert.notNull(codecs, "'codecs' must not be null");
		Assert.isTrue(namespacePrefix != null && namespacePrefix.endsWith("/"), "'namespacePrefix' must end with '/'");
		this.codecs = List.copyOf(codecs);
		this.namespacePrefix = namespacePrefix;
	}

	/**
	 * Return the keys and values to write beside a key the registration writes.
	 * @param key the key the registration writes
	 * @param value its value, in the naming format
	 * @param leaseId the lease both are bound to
	 * @return the keys and values, empty when the key is not an instance key or the
	 * instance is not UP
	 */
	public List<PublishedKey> keysFor(String key, byte[] value, long leaseId) {
		KeyLayout.KeyNames names = names(key);
		if (names == null || names.parked()) {
			return List.of();
		}
		DecodedInstance decoded = this.format.decode(value);
		if (decoded.status() != InstanceStatus.UP) {
			return List.of();
		}
		PublishedInstance instance = new PublishedInstance(names.service(), names.instanceId(), decoded.host(),
				decoded.port(), decoded.secure(), decoded.metadata());
		// One key once: etcd refuses a transaction that writes a key twice, which two
		// layouts given overlapping prefixes would do.
		Map<String, PublishedKey> keys = new LinkedHashMap<>();
		for (LayoutCodec codec : this.codecs) {
			for (PublishedKey published : codec.encode(instance, leaseId)) {
				if (!published.key().equals(key)) {
					keys.putIfAbsent(published.key(), published);
				}
			}
		}
		return List.copyOf(keys.values());
	}

	private KeyLayout.@Nullable KeyNames names(String key) {
		if (!key.startsWith(this.namespacePrefix)) {
			return null;
		}
		try {
			return KeyLayout.names(this.namespacePrefix, key);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
