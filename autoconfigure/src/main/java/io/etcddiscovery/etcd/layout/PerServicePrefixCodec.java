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
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link LayoutCodec} of a framework whose keys the user chooses per service (go-zero,
 * go-kit), as opposed to the fixed prefix of a {@link SinglePrefixCodec}: it owns the
 * prefix of each service, finds the service a key belongs to, and leaves a service
 * without a prefix neither read nor published.
 *
 * @author etcd-discovery authors
 */
public abstract class PerServicePrefixCodec implements LayoutCodec {

	private final Layout layout;

	// Service -> its prefix, in the order configured.
	private final Map<String, String> prefixes = new LinkedHashMap<>();

	/**
	 * Create a codec.
	 * @param layout the layout
	 * @param keys what the user configured for each service
	 * @param toPrefix turns what the user configured into the prefix the keys start with
	 */
	protected PerServicePrefixCodec(Layout layout, Map<String, String> keys, UnaryOperator<String> toPrefix) {
		Assert.notNull(layout, "'layout' must not be null");
		Assert.notNull(keys, "'keys' must not be null");
		this.layout = layout;
		keys.forEach((service, key) -> this.prefixes.put(service, toPrefix.apply(key)));
	}

	@Override
	public final Layout layout() {
		return this.layout;
	}

	@Override
	public final List<String> prefixes() {
		return List.copyOf(this.prefixes.values());
	}

	@Override
	public final @Nullable ForeignInstance decode(String key, byte[] value) {
		for (Map.Entry<String, String> entry : this.prefixes.entrySet()) {
			if (key.startsWith(entry.getValue())) {
				return decode(entry.getKey(), entry.getValue(), key, value);
			}
		}
		return null;
	}

	/**
	 * Decode a key under the prefix of a service.
	 * @param service the service whose prefix the key starts with
	 * @param prefix that prefix
	 * @param key the key
	 * @param value the value
	 * @return the instance, or {@code null} for a key that is not the framework's
	 * @throws io.etcddiscovery.etcd.InvalidInstanceValueException if the value is not one
	 * the framework writes
	 */
	protected abstract @Nullable ForeignInstance decode(String service, String prefix, String key, byte[] value);

	@Override
	public final List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		String prefix = this.prefixes.get(instance.service());
		return (prefix != null) ? List.of(encode(prefix, instance, leaseId)) : List.of();
	}

	/**
	 * Encode the key an instance of a service with a prefix is published under.
	 * @param prefix the prefix of the instance's service
	 * @param instance the instance
	 * @param leaseId the lease of the registration
	 * @return the key and its value
	 */
	protected abstract PublishedKey encode(String prefix, PublishedInstance instance, long leaseId);

}
