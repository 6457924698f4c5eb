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

import org.springframework.util.Assert;

/**
 * A {@link LayoutCodec} of a framework whose registrar writes under one fixed prefix
 * (Kitex, Hertz, go-micro, Kratos, hand-written {@code clientv3} code), as opposed to
 * go-zero's and go-kit's user-chosen keys.
 *
 * @author etcd-discovery authors
 */
public abstract class SinglePrefixCodec implements LayoutCodec {

	private final Layout layout;

	private final String prefix;

	/**
	 * Create a codec.
	 * @param layout the layout
	 * @param prefix the prefix, ending with '/' once normalised
	 */
	protected SinglePrefixCodec(Layout layout, String prefix) {
		Assert.notNull(layout, "'layout' must not be null");
		Assert.hasText(prefix, "'prefix' must not be empty");
		this.layout = layout;
		this.prefix = Keys.directory(prefix);
	}

	@Override
	public final Layout layout() {
		return this.layout;
	}

	@Override
	public final List<String> prefixes() {
		return List.of(this.prefix);
	}

	/**
	 * Return the prefix the framework's registrar writes under.
	 * @return the prefix, ending with '/'
	 */
	protected final String prefix() {
		return this.prefix;
	}

}
