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

import org.jspecify.annotations.Nullable;

/**
 * Reads and writes one other registry's layout: one value into an instance, and this
 * instance into the keys and values that registry's own registrar writes, types included,
 * since the framework's readers judge them with Go's {@code encoding/json}.
 *
 * @author etcd-discovery authors
 */
public interface LayoutCodec {

	/**
	 * Return the layout.
	 * @return the layout
	 */
	Layout layout();

	/**
	 * Return the prefixes to list and watch, one listing and watch each.
	 * @return the prefixes, empty when there is nothing to read
	 */
	List<String> prefixes();

	/**
	 * Read one key and value under one of {@link #prefixes()}.
	 * @param key the key
	 * @param value the value
	 * @return the instance, or {@code null} when the key is not of this layout's shape (a
	 * neighbour's tree under the same prefix, this library's own keys): skipped without
	 * noise
	 * @throws io.etcddiscovery.etcd.InvalidInstanceValueException if the key is of this
	 * layout's shape but its value is not an instance that framework's readers would use
	 */
	@Nullable ForeignInstance decode(String key, byte[] value);

	/**
	 * Return the keys and values that framework's registrar writes for an instance.
	 * @param instance the instance
	 * @param leaseId the lease the keys are bound to (go-zero names its keys after it)
	 * @return the keys and values, empty when the instance is not published in this
	 * layout (go-zero and go-kit without a key for its service)
	 */
	List<PublishedKey> encode(PublishedInstance instance, long leaseId);

}
